package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// held puts one of each value a store hands back: a request with every
// list filled, a ledger with a charge, a schedule, a queued job, a ticket.
func held(t *testing.T, db *handle) {
	t.Helper()
	r := besideRequest()
	r.Links, r.Events = []string{"https://example.com"}, []triage.Event{{Kind: "received", Detail: "asked"}}
	r.Posts, r.Similar = []triage.Post{{Kind: triage.PostReply, Channel: "C1", TS: "1.1"}}, []triage.Similar{{ID: 7, Urgency: classifier.P3}}
	r.Decision.Labels = []string{"vpn"}
	l := sprint.NewLedger("platform", 1, sprint.Budget{Capacity: 40, Fraction: 0.5})
	l.Reserve("1", 2, T0)
	MustUpdate(t, db, func(tx triage.Tx) error {
		_, err := tx.Enqueue(Job("notify:1", T0))
		return errors.Join(tx.PutRequest(r), tx.PutLedger(l), err, tx.PutSchedule(&oncall.Timeline{Team: "platform", FetchedAt: T0,
			Shifts: []oncall.Shift{{Team: "platform", User: "UALICE", Start: T0, End: T0.Add(time.Hour)}}}))
	})
	if _, _, err := db.CreateTicket("ticket.create:1", func(int64) local.Ticket {
		return local.Ticket{Key: "REQ-1", Labels: []string{"vpn"}, Comments: []local.Comment{{Body: "first"}}}
	}); err != nil {
		t.Fatal(err)
	}
}

// heldNow describes what a store holds of held's values, for comparing.
func heldNow(t *testing.T, db *handle) string {
	t.Helper()
	var out string
	err := db.View(func(tx triage.Tx) error {
		r, err := tx.Request(1)
		if err != nil {
			return err
		}
		l, err := tx.Ledger("platform", 1)
		if err != nil {
			return err
		}
		tl, err := tx.Schedule("platform")
		if err != nil {
			return err
		}
		jobs, err := tx.DueJobs(T0, 0)
		if err != nil {
			return err
		}
		out = fmt.Sprintf("request %s %v %v %v %v %v %s; ledger %v %v %v; schedule %v; jobs %d", r.Summary, r.Links, r.Events, r.Posts,
			r.Similar, r.Decision.Labels, r.Status, l.Used(), l.Charges, l.Crossed, tl.Shifts, len(jobs))
		for _, j := range jobs {
			out += fmt.Sprintf(" %s %d %s", j.Key, j.Attempts, j.Payload)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := db.Ticket("REQ-1")
	if err != nil {
		t.Fatal(err)
	}
	return out + fmt.Sprintf("; ticket %s %v %v", tk.Status, tk.Labels, tk.Comments)
}

// testReadsAreCopies changes, in place and without writing them back,
// every value the store hands out (but a job's Payload bytes), in an
// Update that commits: the store must hold what it held, as a decoded
// copy is the caller's own.
func testReadsAreCopies(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	held(t, db)
	before := heldNow(t, db)
	MustUpdate(t, db, func(tx triage.Tx) error {
		change := func(r *triage.Request) {
			r.Summary, r.Status, r.Links[0], r.Events[0].Detail = "changed", triage.StatusResolved, "changed", "changed"
			r.Posts[0].TS, r.Similar[0].ID, r.Decision.Labels[0] = "9.9", 9, "changed"
		}
		for _, read := range everyRead(tx) {
			r, err := read()
			if err != nil {
				return err
			}
			change(r)
		}
		l, err := tx.Ledger("platform", 1)
		if err != nil {
			return err
		}
		l.Reserve("1", 30, T0)
		l.Reserve("2", 5, T0)
		tl, err := tx.Schedule("platform")
		if err != nil {
			return err
		}
		tl.Shifts[0].User = "UMALLORY"
		jobs, err := tx.DueJobs(T0, 0)
		if err != nil || len(jobs) == 0 {
			return fmt.Errorf("DueJobs = %v, %v", jobs, err)
		}
		// A job's Payload bytes are shared by the copies bbolt's job
		// cache hands out: nobody changes them in place.
		jobs[0].Attempts, jobs[0].Payload = 7, []byte(`[]`)
		return nil
	})
	tk, err := db.Ticket("REQ-1")
	if err != nil {
		t.Fatal(err)
	}
	tk.Status, tk.Labels[0], tk.Comments[0].Body = "done", "changed", "changed"
	if after := heldNow(t, db); after != before {
		t.Errorf("changing what reads returned changed the store:\nbefore %s\n after %s", before, after)
	}
}

// testWritesKeepCopies changes, once they are written, the values given
// to the store's writes: the store must hold them as they were written.
func testWritesKeepCopies(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	r := besideRequest()
	r.Events = []triage.Event{{Kind: "received", Detail: "asked"}}
	l := sprint.NewLedger("platform", 1, sprint.Budget{Capacity: 40, Fraction: 0.5})
	l.Reserve("1", 2, T0)
	tl := &oncall.Timeline{Team: "platform", Shifts: []oncall.Shift{{Team: "platform", User: "UALICE", Start: T0, End: T0.Add(time.Hour)}}}
	j := Job("notify:1", T0)
	MustUpdate(t, db, func(tx triage.Tx) error {
		_, err := tx.Enqueue(j)
		return errors.Join(tx.PutRequest(r), tx.PutLedger(l), tx.PutSchedule(tl), err)
	})
	if _, _, err := db.CreateTicket("ticket.create:1", func(int64) local.Ticket {
		return local.Ticket{Key: "REQ-1", Labels: []string{"vpn"}, Comments: []local.Comment{{Body: "first"}}}
	}); err != nil {
		t.Fatal(err)
	}
	before := heldNow(t, db)
	r.Summary, r.Events[0].Detail = "changed", "changed"
	l.Reserve("2", 5, T0)
	tl.Shifts[0].User = "UMALLORY"
	j.Attempts, j.Payload = 7, []byte(`[]`)
	if after := heldNow(t, db); after != before {
		t.Errorf("changing what was written changed the store:\nbefore %s\n after %s", before, after)
	}
}
