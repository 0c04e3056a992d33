package cli

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
)

// A full run (events, Jira tickets, a Jira 403, a Slack 429, a refused
// request) logs no token, secret or email, in either log format.
func TestLogsHoldNoSecrets(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			fake := jirafake.New(t)
			s := newHTTPServe(t, jiraTracker(fake.URL()))
			s.args = []string{"--log-format", format}
			// Both on-calls, whichever the hour makes the assignee: a ticket's
			// first Jira call is the assignee's lookup (a first create does
			// not search), and Slack not knowing them fails the ticket
			// before it reaches Jira.
			fake.AddUser("acc-d2", "dee.oncall@acme.com", "Dee")
			s.fake.AddUser(slack.User{ID: "U0DATA002", Profile: slack.UserProfile{Email: "dee.oncall@acme.com"}})
			fake.AddUser("acc-d3", "dan.oncall@acme.com", "Dan")
			s.fake.AddUser(slack.User{ID: "U0DATA003", Profile: slack.UserProfile{Email: "dan.oncall@acme.com"}})
			s.fake.RateLimit("chat.postMessage", 1, time.Second)
			s.start()
			fake.SetForbidden(true) // after start: /readyz fails while Jira refuses us
			for i := range 3 {
				s.event(fmt.Sprintf("EvS%d", i), map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel",
					"user": fmt.Sprintf("U7%04d", i), "text": fmt.Sprintf("the %d ingest is stuck", i), "ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), i)})
			}
			req, _ := http.NewRequest(http.MethodPost, s.url+"/slack/events", strings.NewReader("{}"))
			req.Header.Set("X-Slack-Request-Timestamp", "1")
			req.Header.Set("X-Slack-Signature", "v0=00")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
			s.waitLog("jira authentication failed")
			fake.SetForbidden(false)
			time.Sleep(2 * time.Second)
			s.cmd.Process.Signal(syscall.SIGTERM)
			s.cmd.Wait()
			logs := s.logs.String()
			for _, secret := range []string{e2eSecret, "xoxb-e2e", jirafake.Token, jirafake.User, "dee.oncall@acme.com", "dan.oncall@acme.com"} {
				if strings.Contains(logs, secret) {
					t.Errorf("the log holds %q:\n%s", secret, logs)
				}
			}
			if format == "text" && !strings.Contains(logs, "level=INFO") || format == "json" && !strings.Contains(logs, `"level":"INFO"`) {
				t.Errorf("log is not %s:\n%.300s", format, logs)
			}
		})
	}
}

// SIGTERM during a burst of 100 events loses none: after a restart every
// acknowledged event is exactly one request.
func TestSIGTERMDuringABurstLosesNothing(t *testing.T) {
	s := newHTTPServe(t)
	s.start()
	const n = 100
	var mu sync.Mutex
	acked := map[int]bool{}
	var wg sync.WaitGroup
	event := func(i int) map[string]any {
		return map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel",
			"user": fmt.Sprintf("U6%04d", i), "text": fmt.Sprintf("the %d dashboard is empty", i), "ts": fmt.Sprintf("1764100000.%06d", i)}
	}
	for i := range n {
		wg.Go(func() {
			if s.eventQuiet(fmt.Sprintf("EvT%d", i), event(i)) == http.StatusOK {
				mu.Lock()
				acked[i] = true
				mu.Unlock()
			}
		})
		if i == n/2 {
			s.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	wg.Wait()
	s.cmd.Wait()
	s.start()
	// Slack retries what was not acknowledged.
	for i := range n {
		if !acked[i] {
			s.event(fmt.Sprintf("EvT%d", i), event(i))
		}
	}
	deadline := time.Now().Add(60 * time.Second) // a failure bound: 100 tickets under -race on a loaded machine
	for {
		done := 0
		for i := range n {
			if strings.Contains(threadText(s.fake, "C0DATAHELP", event(i)["ts"].(string)), "REQ-") {
				done++
			}
		}
		if done == n || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	reqs, pending := storeState(t, s.db)
	seen := map[string]bool{}
	for _, r := range reqs {
		if seen[r.TS] {
			t.Errorf("message %s made two requests", r.TS)
		}
		seen[r.TS] = true
	}
	if len(reqs) != n || pending != 0 {
		t.Fatalf("%d requests and %d inbox entries after the restart; want %d and 0 (%d acked before SIGTERM)", len(reqs), pending, n, len(acked))
	}
}
