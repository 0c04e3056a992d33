package jira_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// The acceptance case: 200 requests while Jira fails half its calls at
// random and is down altogether for a while. In the end each request has
// exactly one issue, assigned and labelled, and none fell back to a local
// ticket.
func TestOutageLosesAndDoublesNothing(t *testing.T) {
	f := newFixture(t)
	for _, u := range []string{"U0PLAT002", "U0PLAT003", "U0PLAT004"} {
		f.fake.AddUser("acc-"+u, u+"@acme.com", u)
		f.dir.emails[u] = u + "@acme.com"
	}
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := triage.NewService(f.db, st, f.clock.now)
	svc.Silent = true // nobody to tell in Slack here
	w := &triage.Worker{Store: f.db, Now: f.clock.now, MaxBackoff: 2 * time.Minute, Log: slog.New(slog.DiscardHandler),
		Handlers: svc.TicketHandlers(f.tr, local.New(f.db, "REQ", ""))}

	f.fake.FailRate(0.5, 42)
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
	for round := 0; ; round++ {
		switch round {
		case 3:
			f.fake.SetDown(true)
		case 12:
			f.fake.SetDown(false)
		case 200:
			t.Fatal("the outbox did not drain in 200 rounds")
		}
		for {
			done, err := w.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if done == 0 {
				break
			}
		}
		if round > 12 && ticketed(t, f) == n {
			break
		}
		f.clock.add(time.Minute)
	}

	issues := f.fake.Issues()
	if len(issues) != n {
		t.Fatalf("%d issues for %d requests", len(issues), n)
	}
	byLabel := map[string]string{}
	for _, is := range issues {
		for _, l := range is.Labels {
			if len(l) > 3 && l[:3] == "sg-" {
				if prev, dup := byLabel[l]; dup {
					t.Errorf("%s on both %s and %s", l, prev, is.Key)
				}
				byLabel[l] = is.Key
			}
		}
		if is.Assignee == "" {
			t.Errorf("%s is unassigned", is.Key)
		}
	}
	err = f.db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, f.clock.now(), func(r *triage.Request) error {
			if key := byLabel["sg-"+r.IDString()]; key == "" || key != r.Ticket.Key {
				t.Errorf("request %d has ticket %q, Jira has %q for it", r.ID, r.Ticket.Key, key)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ticketed(t *testing.T, f *fixture) int {
	n := 0
	err := f.db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, f.clock.now().Add(time.Hour), func(r *triage.Request) error {
			if r.Ticket.Key != "" {
				n++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
