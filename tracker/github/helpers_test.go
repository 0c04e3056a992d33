package github_test

import (
	"cmp"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/testclock"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/tracker/github/githubfake"
	"github.com/sprintguard/sprintguard/triage"
)

const repoName = "acme/ops"

type fixture struct {
	fake  *githubfake.Server
	db    *store.DB
	tr    *github.Tracker
	clock *testclock.Clock
	// timeout is each call's; 5s when 0.
	timeout time.Duration
	repo    config.GitHubRepo
	// people: U1 is ann on GitHub, U2 bob; U3 has no login.
	logins map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: testclock.New(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)),
		logins: map[string]string{"U1": "ann", "U2": "bob"}}
	f.fake = githubfake.New(t, f.clock.Now)
	f.fake.Validate(githubfake.Sampled(githubfake.OpenAPI(t), 3, 20))
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
		Store:    f.db, Now: f.clock.Now, Sleep: f.clock.Sleep, Timeout: cmp.Or(f.timeout, 5*time.Second),
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
