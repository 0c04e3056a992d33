package local_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "sprintguard.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func spec(key string) triage.TicketSpec {
	return triage.TicketSpec{
		IdempotencyKey: key, RequestID: 7, Team: "platform", Summary: "Deploy blocked",
		Description: "details", Urgency: classifier.P2, Category: "deploy", Labels: []string{"sprintguard", "adhoc"},
		Requester: "U1", Assignee: "U2", Due: t0.Add(48 * time.Hour), Permalink: "https://slack.com/archives/C1/p1",
	}
}

func TestCreate(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		prefix  string
		baseURL string
		spec    triage.TicketSpec
		want    triage.Ticket
		status  string
	}{
		{"first ticket", "REQ", "https://sg.example.com/t/", spec("ticket.create:7"),
			triage.Ticket{Key: "REQ-1", URL: "https://sg.example.com/t/REQ-1"}, "open"},
		{"retry returns the first ticket", "REQ", "https://sg.example.com/t/", spec("ticket.create:7"),
			triage.Ticket{Key: "REQ-1", URL: "https://sg.example.com/t/REQ-1"}, "open"},
		{"no base URL, default prefix, deferred", "", "", func() triage.TicketSpec {
			s := spec("ticket.create:8")
			s.Deferred = true
			return s
		}(), triage.Ticket{Key: "REQ-2"}, "backlog"},
		{"other prefix shares the sequence", "OPS", "", spec("ticket.create:9"), triage.Ticket{Key: "OPS-3"}, "open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := local.New(db, tc.prefix, tc.baseURL).WithClock(func() time.Time { return t0 })
			got, err := tr.Create(ctx, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Create = %+v, want %+v", got, tc.want)
			}
			tk, err := db.Ticket(got.Key)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status != tc.status || tk.Summary != "Deploy blocked" || tk.Urgency != "P2" || tk.Assignee != "U2" ||
				tk.Team != "platform" || tk.RequestID != 7 || !tk.Created.Equal(t0) || len(tk.Labels) != 2 {
				t.Errorf("stored ticket = %+v", tk)
			}
		})
	}
	n := 0
	if err := db.Tickets(func(local.Ticket) error { n++; return nil }); err != nil || n != 3 {
		t.Errorf("%d tickets stored (%v), want 3", n, err)
	}
}

func TestUpdate(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	clock := t0
	tr := local.New(db, "REQ", "").WithClock(func() time.Time { return clock })
	tk, err := tr.Create(ctx, spec("ticket.create:1"))
	if err != nil {
		t.Fatal(err)
	}
	resolve := triage.TicketChange{Key: "ticket.update:1:5", Status: triage.StatusResolved, Assignee: "U2",
		Urgency: classifier.P2, Comment: "Resolved by <@U2> in Slack; time spent 3.", TimeSpent: 3, Actor: "U2"}
	clock = t0.Add(time.Hour)
	for range 2 { // the outbox retries a change whose commit was lost
		if err := tr.Update(ctx, tk.Key, resolve); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Ticket(tk.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "resolved" || len(got.Comments) != 1 || len(got.Worklog) != 1 || got.Worklog[0].Amount != 3 || !got.Updated.Equal(clock) {
		t.Errorf("after a change applied twice: %+v", got)
	}

	err = tr.Update(ctx, "REQ-404", resolve)
	if !triage.IsPermanent(err) || !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("Update of a missing ticket: err = %v, want a permanent not-found error", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := tr.Update(cancelled, tk.Key, triage.TicketChange{Key: "x", Comment: "late"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Update with a cancelled context: %v", err)
	}
	if _, err := tr.Create(cancelled, spec("ticket.create:2")); !errors.Is(err, context.Canceled) {
		t.Errorf("Create with a cancelled context: %v", err)
	}
	if got, _ := db.Ticket(tk.Key); len(got.Comments) != 1 {
		t.Errorf("a cancelled update was applied: %+v", got.Comments)
	}
}
