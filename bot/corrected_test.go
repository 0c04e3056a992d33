package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// resolveWith resolves r from its assignee's [Resolve] button, the n-th
// resolve modal of the test, with spent as the time spent; Slack retries
// the submission once.
func resolveWith(t *testing.T, h *harness, r *triage.Request, n int, spent string) {
	t.Helper()
	id := strconv.FormatInt(r.ID, 10)
	h.click(r.Assignee, h.fake.DM(r.Assignee), "1", slack.BlockAction{ActionID: render.ActionResolve, Value: id})
	v := openedView(t, h.fake.WaitCalls(t, "views.open", n, 30*time.Second)[n-1].JSON)
	sub := submission(t, v, r.Assignee, map[string]string{"spent": spent})
	sub["trigger_id"] = "trig-resolve-" + strconv.Itoa(n)
	h.interact(sub)
	h.interact(sub) // Slack's retry
	h.settled()
}

// A resolve that corrects the time spent says so in the requester's
// thread, once per correction, instead of announcing a second resolve; a
// resolve after a reopen is a resolve again.
func TestACorrectedTimeSpentSaysSoInTheThread(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "the spark cluster is stuck on a job", ts, ""))
	r := h.ticketed(1)[0]
	lines := func(prefix string) int {
		n := 0
		for _, p := range h.threadPosts(dataHelp, ts) {
			if strings.HasPrefix(p, prefix) {
				n++
			}
		}
		return n
	}
	resolveWith(t, h, r, 1, "2")
	h.clock.add(time.Minute)
	resolveWith(t, h, r, 2, "6")
	h.clock.add(time.Minute)
	resolveWith(t, h, r, 3, "6") // the same time again: nothing to correct
	h.waitFor("the correction's line", func() bool { return lines("Time spent corrected to 6 points by <@"+r.Assignee+">") == 1 })
	if n := lines("Resolved by"); n != 1 {
		t.Errorf("%d \"Resolved by\" lines after a resolve and its correction, want 1: %q", n, h.threadPosts(dataHelp, ts))
	}
	if n := lines("Time spent corrected"); n != 1 {
		t.Errorf("%d correction lines for one correction: %q", n, h.threadPosts(dataHelp, ts))
	}
	if _, _, err := h.svc.Apply(t.Context(), r.ID, triage.Change{Action: triage.ActReopen, Actor: r.Assignee}); err != nil {
		t.Fatal(err)
	}
	h.clock.add(time.Minute)
	resolveWith(t, h, r, 4, "3")
	h.waitFor("the second resolve's line", func() bool { return lines("Resolved by") == 2 })
	if n := lines("Time spent corrected"); n != 1 {
		t.Errorf("a resolve after a reopen was announced as a correction: %q", h.threadPosts(dataHelp, ts))
	}
}
