package bot_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/oncall/pagerduty/pagerdutyfake"
	"github.com/sprintguard/sprintguard/triage"
)

// pagingHarness runs the example config with the platform team paging
// through the PagerDuty fake.
func pagingHarness(t *testing.T) (*harness, *pagerdutyfake.Server) {
	t.Helper()
	fake := pagerdutyfake.New(t)
	yaml := bytes.Replace(examples.Config, []byte("      reassign_on_handoff: true\n"),
		[]byte("      reassign_on_handoff: true\n      page: pagerduty\n"), 1)
	yaml = bytes.Replace(yaml, []byte("\nteams:\n"), fmt.Appendf(nil,
		"\npagerduty: {token: t, routing_key: 0123456789abcdef0123456789abcdef, events_url: %q}\n\nteams:\n", fake.URL()), 1)
	if bytes.Equal(yaml, examples.Config) || !bytes.Contains(yaml, []byte("page: pagerduty")) {
		t.Fatal("could not turn paging on in the example config")
	}
	return newHarnessConfig(t, yaml, nil), fake
}

// TestEmergencyClaimAnswerPages follows [This is an emergency] to the
// on-call's answer: [Confirm P1] triggers PagerDuty once (Slack delivers
// the click twice) with the ticket key as dedup_key; [Keep P4] pages nobody.
func TestEmergencyClaimAnswerPages(t *testing.T) {
	for _, tt := range []struct {
		name, action string
		want         string // the events PagerDuty gets
	}{
		{"confirm P1 triggers", render.ActionConfirmClaim, "trigger:REQ-1"},
		{"keep P4 pages nobody", render.ActionKeepClaim, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, fake := pagingHarness(t)
			_, r := h.claimEmergency()
			if r.Ticket.Key != "REQ-1" || r.ClaimState != triage.ClaimPending {
				t.Fatalf("claimed request: ticket %q state %q, want REQ-1 with a pending claim", r.Ticket.Key, r.ClaimState)
			}
			dm := h.fake.DM(r.Assignee)
			h.waitFor("the claim in the on-call's DM", func() bool { return len(h.posts(dm)) == 1 })

			id := strconv.FormatInt(r.ID, 10)
			dmTS := h.fake.Messages(dm)[0].Timestamp
			h.click(r.Assignee, dm, dmTS, slack.BlockAction{ActionID: tt.action, Value: id})
			h.click(r.Assignee, dm, dmTS, slack.BlockAction{ActionID: tt.action, Value: id})
			h.waitFor("the claim answered", func() bool {
				s := h.requests()[0].ClaimState
				return s == triage.ClaimConfirmed || s == triage.ClaimKept
			})
			events := func() string {
				var got []string
				for _, e := range fake.Events() {
					got = append(got, e.EventAction+":"+e.DedupKey)
				}
				return strings.Join(got, " ")
			}
			// The answer and its page job commit in one transaction: once
			// the claim is answered and no page job is queued, every page
			// has reached PagerDuty.
			h.waitFor("no page job left in the outbox", func() bool { return h.queuedPages() == 0 })
			if got := events(); got != tt.want {
				t.Errorf("PagerDuty events %q, want %q", got, tt.want)
			}
		})
	}
}

// queuedPages counts the page jobs still in the outbox, due or not.
func (h *harness) queuedPages() int {
	h.t.Helper()
	n := 0
	err := h.db.View(func(tx triage.Tx) error {
		jobs, err := tx.DueJobs(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
		for _, j := range jobs {
			if j.Kind == triage.JobPage {
				n++
			}
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// claimEmergency has an outsider ask the platform team for a runbook (a P4
// by the rules) and press [This is an emergency] on the prompt. It returns
// the request's message ts and the ticketed request.
func (h *harness) claimEmergency() (string, *triage.Request) {
	h.t.Helper()
	ts := h.ts()
	h.event("Ev1", h.message(platHelp, outsider, "where can I find the runbook for the payments queue? need it right now", ts, ""))
	h.waitFor("the prompt", func() bool { return len(h.threadPosts(platHelp, ts)) == 1 })
	ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + outsider + `"}`
	promptTS := h.fake.OKCalls("chat.postMessage")[0].Form.Get("thread_ts")
	h.click(outsider, platHelp, promptTS, slack.BlockAction{ActionID: render.ActionEmergency, Value: ref})
	return ts, h.ticketed(1)[0]
}
