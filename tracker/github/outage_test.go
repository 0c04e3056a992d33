package github_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/tracker/github/githubfake"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// service is triage over the example configuration, with the platform
// rotation known on GitHub.
func (f *fixture) service(t *testing.T) *triage.Service {
	t.Helper()
	for _, u := range []string{"U0PLAT002", "U0PLAT003", "U0PLAT004"} {
		login := "gh-" + strings.ToLower(u)
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
	svc.Silent = true // nobody to tell in Slack here
	return svc
}

func (f *fixture) worker(svc *triage.Service) *triage.Worker {
	return &triage.Worker{Store: f.db, Now: f.clock.Now, MaxBackoff: 2 * time.Minute, Log: slog.New(slog.DiscardHandler),
		Handlers: svc.TicketHandlers(f.tr, local.New(f.db, "REQ", ""))}
}

// drain runs one batch of the worker a round, moving the clock by step
// between rounds, until done says the test may stop.
func (f *fixture) drain(t *testing.T, w *triage.Worker, step time.Duration, rounds int, each func(round int), done func() bool) {
	t.Helper()
	ctx := context.Background()
	for round := 0; ; round++ {
		if each != nil {
			each(round)
		}
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if done() {
			return
		}
		if round == rounds {
			t.Fatalf("the outbox did not drain in %d rounds", rounds)
		}
		f.clock.Add(step)
	}
}

func requests(t *testing.T, f *fixture) []*triage.Request {
	t.Helper()
	var out []*triage.Request
	err := f.db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, f.clock.Now().Add(time.Hour), func(r *triage.Request) error {
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func pending(t *testing.T, f *fixture) int {
	t.Helper()
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
	return queued
}

// The acceptance case: 200 requests while GitHub fails with 5xx, hits
// secondary rate limits, loses answers and then is down for two minutes.
// In the end each request has exactly one issue, labelled and assigned,
// and none fell back to a local ticket.
func TestOutageLosesAndDoublesNothing(t *testing.T) {
	f := newFixture(t)
	f.fake.Validate(githubfake.Sampled(githubfake.OpenAPI(t), 2, 50))
	svc := f.service(t)
	w := f.worker(svc)
	w.Batch = 10 // a few jobs a round, so that the faults fall mid-stream
	ctx := context.Background()
	const n = 200
	for i := range n {
		// P1s are always accepted, so every request is assigned.
		_, err := svc.Intake(ctx, triage.NewRequest{Team: "platform", Channel: "C0PLATHELP",
			User: fmt.Sprintf("U%04d", i), Summary: fmt.Sprintf("checkout-%d is down", i), TS: fmt.Sprintf("1764000000.%06d", i)})
		if err != nil {
			t.Fatal(err)
		}
	}
	var downAt time.Time
	f.drain(t, w, 10*time.Second, 1000, func(round int) {
		switch round {
		case 0:
			f.fake.Fail5xx(25)
			f.fake.LoseCreates(3)
		case 5:
			f.fake.SecondaryLimit(4, time.Minute)
		case 10:
			downAt = f.clock.Now()
			f.fake.Down(downAt, downAt.Add(2*time.Minute))
		}
	}, func() bool { return pending(t, f) == 0 })

	if downAt.IsZero() {
		t.Fatal("the outage never started: the test drained too early")
	}
	issues := f.fake.Issues(repoName)
	if len(issues) != n {
		t.Fatalf("%d issues for %d requests", len(issues), n)
	}
	byKey := map[string]bool{}
	for _, is := range issues {
		byKey[fmt.Sprintf("%s#%d", repoName, is.Number)] = true
	}
	markers := map[string]int{}
	for _, r := range requests(t, f) {
		if !byKey[r.Ticket.Key] {
			t.Errorf("request %d has ticket %q, not a GitHub issue", r.ID, r.Ticket.Key)
			continue
		}
		var num int
		fmt.Sscanf(r.Ticket.Key, repoName+"#%d", &num)
		is := issues[num-1]
		markers[is.Body[strings.LastIndex(is.Body, "<!--"):]]++
		if !slices.Contains(is.Labels, github.UrgencyLabel(r.Urgency)) || !slices.Contains(is.Labels, "sprintguard") ||
			!slices.Contains(is.Labels, github.LabelInterrupt) {
			t.Errorf("%s has labels %q for a %s request", r.Ticket.Key, is.Labels, r.Urgency)
		}
		if want := f.logins[r.Assignee]; want == "" || !slices.Equal(is.Assignees, []string{want}) {
			t.Errorf("%s is assigned to %q, the request to %s (%q)", r.Ticket.Key, is.Assignees, r.Assignee, want)
		}
	}
	if len(markers) != n {
		t.Errorf("%d distinct markers on %d issues", len(markers), n)
	}
	// GitHub's guidance: content creation at most once a second.
	ws := f.fake.Writes()
	for i := 1; i < len(ws); i++ {
		if ws[i].Sub(ws[i-1]) < time.Second {
			t.Fatalf("writes %d and %d came %s apart", i-1, i, ws[i].Sub(ws[i-1]))
		}
	}
}
