package cli

import (
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestKillBetweenPostAndCommit SIGKILLs the built binary after Slack has
// taken one of its posts but before the post's answer, and so the
// commit of its job: after the restart the job runs again, finds the post
// by the job key in its metadata, and posts nothing twice.
func TestKillBetweenPostAndCommit(t *testing.T) {
	s := newHTTPServe(t)
	ts := fmt.Sprintf("%d.000100", time.Now().Unix())
	text := "the nightly import job failed"
	s.fake.AddMessage("C0DATAHELP", slack.Message{Msg: slack.Msg{Type: "message", User: "U0PAY001", Text: text, Timestamp: ts}})
	s.fake.HangAfter("chat.postMessage", 1)
	s.start()
	ev := map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel",
		"user": "U0PAY001", "text": text, "ts": ts}
	if code := s.event("EvPostKill", ev); code != http.StatusOK {
		t.Fatalf("event: status %d", code)
	}
	s.fake.WaitCalls(t, "chat.postMessage", 1, 30*time.Second)
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()

	s.start()
	s.waitLog("slack post made by an earlier run; not posted again")
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	if repeats, untagged := s.fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Fatalf("posted again: %+v\nposted without metadata: %+v", repeats, untagged)
	}
	if reqs, pending := storeState(t, s.db); len(reqs) != 1 || pending != 0 {
		t.Fatalf("%d requests, %d inbox entries; want 1 and 0", len(reqs), pending)
	}
}
