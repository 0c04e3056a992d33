package gitlab_test

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/testclock"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/gitlab"
	"github.com/sprintguard/sprintguard/tracker/gitlab/gitlabfake"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

const projectPath = "acme/ops"

type fixture struct {
	fake    *gitlabfake.Server
	db      *store.DB
	tr      *gitlab.Tracker
	clock   *testclock.Clock
	timeout time.Duration // each call's; 5s when 0
	project string
	logins  map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: testclock.New(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)), project: projectPath,
		logins: map[string]string{"U1": "ann", "U2": "bob"}}
	f.fake = gitlabfake.New(t, f.clock.Now)
	f.fake.AddProject(projectPath)
	f.fake.AddUser("ann")
	f.fake.AddUser("bob")
	var err error
	f.db, err = store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	f.tr = f.newTracker(t)
	return f
}

func (f *fixture) newTracker(t *testing.T) *gitlab.Tracker {
	t.Helper()
	cal := sprint.Calendar{Start: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), LengthDays: 14, Location: time.UTC}
	tr, err := gitlab.New(gitlab.Options{Token: config.NewSecret(gitlabfake.Token), URL: f.fake.URL(),
		Projects: func(string) config.GitLabProject { return config.GitLabProject{Project: f.project} },
		Login:    func(u string) string { return f.logins[u] },
		SlackUser: func(login string) string {
			for u, l := range f.logins {
				if l == login {
					return u
				}
			}
			return ""
		},
		Calendar: func(string) (sprint.Calendar, bool) { return cal, true },
		Store:    f.db, Now: f.clock.Now, Sleep: f.clock.Sleep, Timeout: cmp.Or(f.timeout, 5*time.Second), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func spec(id int64, assignee string) triage.TicketSpec {
	return triage.TicketSpec{IdempotencyKey: "ticket.create:" + strconv.FormatInt(id, 10), RequestID: id, Team: "platform",
		Summary: "grant read access to the billing replica", Description: "Urgency: P2 by rule access-prod",
		Urgency: 2, Category: "access", Labels: []string{"sprintguard", "sg-" + strconv.FormatInt(id, 10), "adhoc", "access"},
		Requester: "U9", Assignee: assignee}
}

// service is triage over the example configuration, with the platform
// rotation known on GitLab.
func (f *fixture) service(t *testing.T) *triage.Service {
	t.Helper()
	for _, u := range []string{"U0PLAT002", "U0PLAT003", "U0PLAT004"} {
		login := "gl-" + strings.ToLower(u)
		f.logins[u] = login
		f.fake.AddUser(login)
	}
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := triage.NewService(f.db, st, f.clock.Now)
	svc.Silent = true
	return svc
}

func (f *fixture) worker(svc *triage.Service) *triage.Worker {
	return &triage.Worker{Store: f.db, Now: f.clock.Now, MaxBackoff: 2 * time.Minute, Log: slog.New(slog.DiscardHandler),
		Handlers: svc.TicketHandlers(f.tr, local.New(f.db, "REQ", ""))}
}

// drain runs one batch a round, moving the clock by step, until the
// outbox is empty.
func (f *fixture) drain(t *testing.T, w *triage.Worker, step time.Duration, rounds int, each func(round int)) {
	t.Helper()
	for round := 0; ; round++ {
		if each != nil {
			each(round)
		}
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		queued, dead, _, err := f.db.OutboxStats()
		if err != nil {
			t.Fatal(err)
		}
		if dead > 0 {
			jobs, _ := f.db.DeadJobs()
			for _, j := range jobs {
				t.Errorf("dead job %s: %s", j.Key, j.LastError)
			}
			t.FailNow()
		}
		if queued == 0 {
			return
		}
		if round == rounds {
			t.Fatalf("the outbox did not drain in %d rounds", rounds)
		}
		f.clock.Add(step)
	}
}

func (f *fixture) requests(t *testing.T) []*triage.Request {
	t.Helper()
	var out []*triage.Request
	if err := f.db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, f.clock.Now().Add(time.Hour), func(r *triage.Request) error {
			out = append(out, r)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func key(iid int64) string { return fmt.Sprintf("%s#%d", projectPath, iid) }

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (f *fixture) trLog() *slog.Logger { return slog.New(slog.DiscardHandler) }
