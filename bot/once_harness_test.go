package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

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
	if repeats, untagged := h.fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Errorf("posted again: %+v; posted without metadata: %+v", repeats, untagged)
	}
	if !strings.Contains(fmt.Sprint(posts), "REQ-") {
		t.Errorf("the requester was never told the ticket: %d posts", len(posts))
	}
}
