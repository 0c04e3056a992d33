package github_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/tracker/github/githubfake"
	"github.com/sprintguard/sprintguard/triage"
)

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// sleep moves the clock instead of waiting.
func (c *clock) sleep(_ context.Context, d time.Duration) error {
	if d > 0 {
		c.add(d)
	}
	return nil
}

const repoName = "acme/ops"

type fixture struct {
	fake  *githubfake.Server
	db    *store.DB
	tr    *github.Tracker
	clock *clock
	repo  config.GitHubRepo
	// people: U1 is ann on GitHub, U2 bob; U3 has no login.
	logins map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{t: time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)},
		logins: map[string]string{"U1": "ann", "U2": "bob"}}
	f.fake = githubfake.New(t, f.clock.now)
	f.fake.Validate(githubfake.OpenAPI(t))
	f.fake.AddRepo(repoName)
	f.fake.AddUser("ann")
	f.fake.AddUser("bob")
	var err error
	f.db, err = store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	f.repo = config.GitHubRepo{Repo: repoName, IterationField: "Iteration"}
	f.tr = f.newTracker(t)
	return f
}

func (f *fixture) newTracker(t *testing.T) *github.Tracker {
	t.Helper()
	cal := sprint.Calendar{Start: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), LengthDays: 14, Location: time.UTC}
	tr, err := github.New(github.Options{Token: config.NewSecret(githubfake.Token), APIURL: f.fake.URL(),
		Repos: func(string) config.GitHubRepo { return f.repo },
		Login: func(u string) string { return f.logins[u] },
		SlackUser: func(login string) string {
			for u, l := range f.logins {
				if l == login {
					return u
				}
			}
			return ""
		},
		Calendar: func(string) (sprint.Calendar, bool) { return cal, true },
		Store:    f.db, Now: f.clock.now, Sleep: f.clock.sleep, Timeout: 5 * time.Second,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func spec(id int64, assignee string) triage.TicketSpec {
	return triage.TicketSpec{IdempotencyKey: "ticket.create:" + strconv.FormatInt(id, 10), RequestID: id, Team: "platform",
		Summary: "grant read access to the billing replica", Description: "asked in #platform-help\n\nUrgency: P2 by rule access-prod",
		Urgency: 2, Category: "access", Labels: []string{"sprintguard", "sg-" + strconv.FormatInt(id, 10), "adhoc", "access", "prod"},
		Requester: "U9", Assignee: assignee}
}
