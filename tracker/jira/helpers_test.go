package jira_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/jira"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
)

// directory is Slack's side of user mapping: emails by user id.
type directory struct {
	mu     sync.Mutex
	emails map[string]string
	calls  int
}

func (d *directory) Email(_ context.Context, user string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	return d.emails[user], nil
}

func (d *directory) UserByEmail(_ context.Context, email string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for u, e := range d.emails {
		if strings.EqualFold(e, email) {
			return u, nil
		}
	}
	return "", nil
}

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	fake  *jirafake.Server
	db    *store.DB
	tr    *jira.Tracker
	dir   *directory
	clock *clock
	proj  config.JiraProject
}

// newFixture is a Jira tracker against the fake, with people U1 (ann) and
// U2 (bob) known to both Slack and Jira, and U3 (cy) only to Slack.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{fake: jirafake.New(t), clock: &clock{t: time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)}}
	f.fake.AddUser("acc-ann", "ann@acme.com", "Ann")
	f.fake.AddUser("acc-bob", "bob@acme.com", "Bob")
	f.dir = &directory{emails: map[string]string{"U1": "ann@acme.com", "U2": "bob@acme.com", "U3": "cy@acme.com"}}
	var err error
	f.db, err = store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	f.proj = config.JiraProject{Project: "OPS", IssueType: "Task", Board: 7, Priority: config.DefaultJiraPriority, Labels: []string{"from-slack"}}
	f.tr, err = jira.New(jira.Options{URL: f.fake.URL(), User: jirafake.User, Token: config.NewSecret(jirafake.Token),
		Projects: func(string) config.JiraProject { return f.proj }, Timeout: 2 * time.Second,
		Store: f.db, Users: f.dir, Now: f.clock.now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { noOldSearch(t, f.fake) })
	return f
}

// noOldSearch fails the test if anything called the removed search API.
func noOldSearch(t *testing.T, fake *jirafake.Server) {
	for _, r := range fake.Requests() {
		if r.Path == "/rest/api/2/search" || r.Path == "/rest/api/3/search" {
			t.Errorf("%s %s called the removed search endpoint", r.Method, r.Path)
		}
	}
}

func spec(id int64, assignee string) triage.TicketSpec {
	return triage.TicketSpec{IdempotencyKey: "ticket.create:" + itoa(id), RequestID: id, Team: "platform",
		Summary: "grant read access to the billing replica", Description: "asked in #platform-help",
		Urgency: 3, Category: "access", Labels: []string{"sprintguard", "sg-" + itoa(id), "adhoc", "access"},
		Requester: "U9", Assignee: assignee, Due: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
}

func itoa(n int64) string { return strconvItoa(n) }
