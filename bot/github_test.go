package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/tracker/github/githubfake"
	"github.com/sprintguard/sprintguard/triage"
)

// githubHarness is the harness with data's tickets on a GitHub fake.
func githubHarness(t *testing.T, repo string) (*harness, *githubfake.Server) {
	t.Helper()
	var fake *githubfake.Server
	h := newHarnessWith(t, func(h *harness, _ *bot.Gateway) triage.Tracker {
		fake = githubfake.New(t, h.clock.now)
		fake.AddRepo("acme/data")
		fake.AddUser("dee")
		tr, err := github.New(github.Options{Token: config.NewSecret(githubfake.Token), APIURL: fake.URL(),
			Repos: func(string) config.GitHubRepo { return config.GitHubRepo{Repo: repo} },
			Login: func(u string) string { return map[string]string{"U0DATA002": "dee"}[u] },
			Store: h.db, Now: h.clock.now, Sleep: func(_ context.Context, d time.Duration) error { h.clock.add(d); return nil },
			Log: h.log})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	})
	return h, fake
}

// A repository GitHub does not have (or the token may not see) makes a
// local ticket, and the team channel is told why.
func TestGitHubRefusalFallsBackToLocal(t *testing.T) {
	h, _ := githubHarness(t, "acme/nope")
	h.event("Ev1", h.message(dataHelp, outsider, "the dbt run keeps timing out", h.ts(), ""))
	r := h.ticketed(1)[0]
	if !strings.HasPrefix(r.Ticket.Key, "REQ-") {
		t.Fatalf("ticket %q, want a local one", r.Ticket.Key)
	}
	h.waitFor("the fallback message in the team channel", func() bool {
		for _, c := range h.calls("chat.postMessage") {
			body := c.Form.Get("text") + c.Form.Get("blocks")
			if c.Form.Get("channel") == "C0DATA" && strings.Contains(body, "refused") && strings.Contains(body, "HTTP 404") {
				return true
			}
		}
		return false
	})
}

// While GitHub is down the requester hears, once its second attempt has
// failed too, that the ticket is queued, and hears it once; once GitHub
// is back the issue is made, once.
func TestGitHubOutageQueues(t *testing.T) {
	h, fake := githubHarness(t, "acme/data")
	fake.Down(h.clock.now().Add(-time.Minute), h.clock.now().Add(2*time.Minute))
	ts := h.ts()
	queued := func() int {
		n := 0
		for _, c := range h.calls("chat.postMessage") {
			if c.Form.Get("thread_ts") == ts && strings.Contains(c.Form.Get("text"), "Ticket queued") {
				n++
			}
		}
		return n
	}
	h.event("Ev1", h.message(dataHelp, outsider, "the dbt run keeps timing out", ts, ""))
	h.waitFor("the request", func() bool { return len(h.requests()) == 1 })
	h.drained()
	if n := queued(); n != 0 {
		t.Fatalf("%d queued messages after one failed attempt, want none yet", n)
	}
	h.clock.add(5 * time.Second) // past the first retry's backoff
	h.waitFor("the queued message", func() bool { return queued() == 1 })
	for range 3 {
		h.clock.add(20 * time.Second)
		h.drained()
	}
	if n := queued(); n != 1 {
		t.Fatalf("%d queued messages after more failed attempts, want 1", n)
	}
	h.clock.add(3 * time.Minute)
	r := h.ticketed(1)[0]
	if r.Ticket.Key != "acme/data#1" || len(fake.Issues("acme/data")) != 1 {
		t.Fatalf("ticket %q, %d issues", r.Ticket.Key, len(fake.Issues("acme/data")))
	}
}
