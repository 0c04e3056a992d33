package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/triage"
)

// repeatedPosts returns the chat.postMessage calls Slack performed that
// repeat an earlier one's job and post, and fails the test on a post not
// tagged with its job.
func repeatedPosts(t *testing.T, fake *slackfake.Server) []string {
	t.Helper()
	var repeats []string
	seen := map[string]bool{}
	for _, c := range fake.OKCalls("chat.postMessage") {
		md := c.Form.Get("metadata")
		if !strings.Contains(md, `"event_type":"sprintguard_post"`) {
			t.Errorf("a post in %s without the job's metadata: %q (%s)", c.Form.Get("channel"), c.Form.Get("text"), md)
			continue
		}
		id := c.Form.Get("channel") + " " + c.Form.Get("thread_ts") + " " + md
		if seen[id] {
			repeats = append(repeats, id)
		}
		seen[id] = true
	}
	return repeats
}

// A post whose answer is lost on its way back fails its job; the retry
// finds the message by its metadata and records it instead of posting it
// again.
func TestLostPostAnswerIsNotPostedAgain(t *testing.T) {
	h := newHarness(t)
	h.fake.DropAfter("chat.postMessage", 1)
	ts := h.ts()
	h.event("EvLost", h.message(dataHelp, outsider, "the nightly import job failed", ts, ""))
	h.waitFor("an empty outbox", func() bool {
		// Past the failed job's backoff, each time the test looks.
		h.clock.add(2 * time.Second)
		h.worker.Kick()
		var due []*triage.Job
		h.db.View(func(tx triage.Tx) error {
			var err error
			due, err = tx.DueJobs(h.clock.now().Add(time.Hour), 0)
			return err
		})
		return len(due) == 0 && len(h.requests()) == 1
	})
	looks := len(h.fake.Calls("conversations.history")) + len(h.fake.Calls("conversations.replies"))
	posts := h.fake.OKCalls("chat.postMessage")
	if looks == 0 {
		t.Errorf("the retry did not look for its earlier post")
	}
	if r := repeatedPosts(t, h.fake); len(r) > 0 {
		t.Errorf("posted again: %v", r)
	}
	if !strings.Contains(fmt.Sprint(posts), "REQ-") {
		t.Errorf("the requester was never told the ticket: %d posts", len(posts))
	}
}
