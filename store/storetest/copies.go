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
// list filled, a ledger with a charge, a schedule with an override, a
// queued job, a ticket. It returns the values it wrote.
func held(t *testing.T, db *handle) (*triage.Request, *sprint.Ledger, *oncall.Timeline, *triage.Job) {
	t.Helper()
	r := besideRequest()
	r.Links, r.Events = []string{"https://example.com"}, []triage.Event{{Kind: "received", Detail: "asked"}}
	r.Posts, r.Similar = []triage.Post{{Kind: triage.PostReply, Channel: "C1", TS: "1.1"}}, []triage.Similar{{ID: 7, Urgency: classifier.P3}}
	r.Decision.Labels = []string{"vpn"}
	l := sprint.NewLedger("platform", 1, sprint.Budget{Capacity: 40, Fraction: 0.5})
	l.Reserve("1", 2, T0)
	tl := &oncall.Timeline{Team: "platform", FetchedAt: T0, Shifts: []oncall.Shift{{Team: "platform", User: "UBOB", Start: T0, End: T0.Add(time.Hour),
		Override: &oncall.Override{ID: "o1", Team: "platform", User: "UBOB", Replaces: "UALICE", Start: T0, End: T0.Add(time.Hour)}}}}
	j := Job("notify:1", T0)
	MustUpdate(t, db, func(tx triage.Tx) error {
		_, err := tx.Enqueue(j)
		return errors.Join(tx.PutRequest(r), tx.PutLedger(l), err, tx.PutSchedule(tl))
	})
	if _, _, err := db.CreateTicket("ticket.create:1", func(int64) local.Ticket {
		return local.Ticket{Key: "REQ-1", Labels: []string{"vpn"}, Comments: []local.Comment{{Body: "first"}}}
	}); err != nil {
		t.Fatal(err)
	}
	return r, l, tl, j
}

// shiftsNow describes shifts by value: %v would print an override's
// address, which differs between two decoded copies.
func shiftsNow(shifts []oncall.Shift) string {
	var out string
	for _, sh := range shifts {
		o := sh.Override
		sh.Override = nil
		out += fmt.Sprintf("%v", sh)
		if o != nil {
			out += fmt.Sprintf(" override %v", *o)
		}
	}
	return out
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
		out = fmt.Sprintf("request %s %v %v %v %v %v %s; ledger %v %v %v; schedule %s; jobs %d", r.Summary, r.Links, r.Events, r.Posts,
			r.Similar, r.Decision.Labels, r.Status, l.Used(), l.Charges, l.Crossed, shiftsNow(tl.Shifts), len(jobs))
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
		tl.Shifts[0].User, tl.Shifts[0].Override.User = "UMALLORY", "UMALLORY"
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
	r, l, tl, j := held(t, db)
	before := heldNow(t, db)
	r.Summary, r.Events[0].Detail = "changed", "changed"
	l.Reserve("2", 5, T0)
	tl.Shifts[0].User, tl.Shifts[0].Override.User = "UMALLORY", "UMALLORY"
	j.Attempts, j.Payload = 7, []byte(`[]`)
	if after := heldNow(t, db); after != before {
		t.Errorf("changing what was written changed the store:\nbefore %s\n after %s", before, after)
	}
}
