package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// A post whose answer is lost on its way back fails its job; the retry
// finds the message by its metadata and records it instead of posting it
// again.
func TestLostPostAnswerIsNotPostedAgain(t *testing.T) {
	h := newHarness(t)
	h.fake.DropAfter("chat.postMessage", 1)
	ts := h.ts()
	h.event("EvLost", h.message(dataHelp, outsider, "the nightly import job failed", ts, ""))
	// A job in flight is not due, so an empty outbox alone may be seen
	// before the post: the answer's record on the request, made when its
	// job completes, is waited for too.
	told := func() bool {
		reqs := h.requests()
		if len(reqs) != 1 {
			return false
		}
		_, ok := reqs[0].Post(triage.PostReply)
		return ok
	}
	h.waitFor("the requester's answer recorded and an empty outbox", func() bool {
		// Past the failed job's backoff, each time the test looks.
		h.clock.add(2 * time.Second)
		h.worker.Kick()
		var due []*triage.Job
		h.db.View(func(tx triage.Tx) error {
			var err error
			due, err = tx.DueJobs(h.clock.now().Add(time.Hour), 0)
			return err
		})
		return told() && len(due) == 0
	})
	looks := len(h.fake.Calls("conversations.history")) + len(h.fake.Calls("conversations.replies"))
	if looks == 0 {
		t.Errorf("the retry did not look for its earlier post")
	}
	if repeats, untagged := h.fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Errorf("posted again: %+v; posted without metadata: %+v", repeats, untagged)
	}
	if posts := fmt.Sprint(h.fake.OKCalls("chat.postMessage")); !strings.Contains(posts, "REQ-") {
		t.Errorf("the requester was never told the ticket: %s", posts)
	}
}

// A refusal explained by DM (a button in the App Home, no channel) is
// posted once too when Slack's answer is lost and the delivery is
// processed again: the DM carries the delivery's key in its metadata.
func TestLostExplanationIsNotPostedAgain(t *testing.T) {
	h := newHarness(t)
	h.fake.DropAfter("chat.postMessage", 1)
	h.interact(map[string]any{
		"type": "block_actions", "trigger_id": "trig-home",
		"user":      map[string]any{"id": outsider, "username": "u", "team_id": "T123"},
		"team":      map[string]any{"id": "T123", "domain": "acme"},
		"container": map[string]any{"type": "view", "view_id": "VHOME"},
		"actions":   []slack.BlockAction{{ActionID: render.ActionAck, Value: "999", ActionTs: h.ts()}},
	})
	h.waitFor("the explanation", func() bool { return len(h.fake.Messages(h.fake.DM(outsider))) > 0 })
	h.waitFor("the delivery done", func() bool {
		n, err := h.db.Pending(10)
		return err == nil && len(n) == 0
	})
	if n := len(h.fake.Messages(h.fake.DM(outsider))); n != 1 {
		t.Errorf("%d explanations in the DM, want 1", n)
	}
	if repeats, untagged := h.fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Errorf("posted again: %+v; posted without metadata: %+v", repeats, untagged)
	}
}
