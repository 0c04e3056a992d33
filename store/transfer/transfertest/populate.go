// Package transfertest fills a bbolt store with records of every kind that
// package transfer copies, for the tests of the copy between drivers.
package transfertest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// T0 is when the populated records happen; Berlin times are used on
// purpose, so that a driver that keeps times in UTC is compared fairly.
var T0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// OpenBolt opens a new bbolt store in t's temp dir, on a clock stopped at
// T0, closed at cleanup.
func OpenBolt(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "sprintguard.db"), store.Options{Now: func() time.Time { return T0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Populate writes n requests (n >= 4) and records of every other kind to
// db, through the store's own write paths, so that the indexes are the
// ones the bot itself would have made.
func Populate(t testing.TB, db *store.DB, n int) {
	t.Helper()
	if n < 4 {
		t.Fatalf("Populate: n = %d, want at least 4", n)
	}
	err := db.Update(func(tx triage.Tx) error {
		for i := range n {
			id, err := tx.NextRequestID()
			if err != nil {
				return err
			}
			team := []string{"platform", "payments"}[i%2]
			created := T0.Add(time.Duration(i) * time.Hour).In(berlin)
			r := &triage.Request{
				ID: id, Team: team, Source: triage.SourceChannel, User: fmt.Sprintf("U%d", i%3),
				Channel: "C0HELP", TS: fmt.Sprintf("1772442000.%06d", i),
				Summary: fmt.Sprintf("request %d: the deploy is stuck ✓", i), CreatedAt: created,
				Urgency: classifier.P3, Status: triage.StatusOpen, Outcome: triage.Accepted,
				Decision: classifier.Decision{Urgency: classifier.P3, Rule: "default"},
				Estimate: 1.5, Sprint: 1, SprintStart: T0,
			}
			if i%2 == 0 {
				r.Ticket = triage.Ticket{Key: fmt.Sprintf("REQ-%d", i+1), URL: "https://tracker.example/REQ"}
			}
			if i == n-1 {
				r.Status = triage.StatusResolved
				r.ResolvedAt = created.Add(2 * time.Hour)
			}
			if err := tx.PutRequest(r); err != nil {
				return err
			}
		}
		if _, _, err := tx.Claim("event:Ev001", "1", T0, T0.Add(24*time.Hour)); err != nil {
			return err
		}
		if _, _, err := tx.Claim("post:1:ack", "1772442000.000100", T0, T0.Add(48*time.Hour)); err != nil {
			return err
		}
		if err := tx.PutLedger(&sprint.Ledger{Team: "platform", Sprint: 1, Unit: "points", Total: 20,
			Thresholds: []float64{0.5, 0.8}, Crossed: []float64{0.5},
			Charges: map[string]sprint.Charge{"1": {Estimate: 1.5, At: T0}, "3": {Estimate: 2, Actual: 3, HasActual: true, At: T0, SettledAt: T0.Add(time.Hour)}}}); err != nil {
			return err
		}
		if err := tx.PutOverride(oncall.Override{ID: "ov1", Team: "platform", User: "U2", Replaces: "U1",
			Start: T0, End: T0.Add(24 * time.Hour), CreatedBy: "U1", CreatedAt: T0.In(berlin)}); err != nil {
			return err
		}
		if err := tx.PutSchedule(&oncall.Timeline{Team: "payments", Source: "ical", FetchedAt: T0,
			From: T0, Until: T0.Add(7 * 24 * time.Hour),
			Shifts: []oncall.Shift{{Team: "payments", User: "U7", Start: T0, End: T0.Add(7 * 24 * time.Hour)}}}); err != nil {
			return err
		}
		for i, text := range []string{"watch the queue", "db failover at 3"} {
			if err := tx.AddNote(triage.Note{Team: "platform", User: "U1", Text: text, At: T0.Add(time.Duration(i) * time.Minute)}); err != nil {
				return err
			}
		}
		if err := tx.AddLabel(triage.Label{RequestID: 1, Team: "platform", At: T0, Actor: "U1",
			Kind: triage.ActUrgency, Rule: "default", From: "P3", To: "P1"}); err != nil {
			return err
		}
		if err := tx.SetLastRun("report:platform", T0.In(berlin)); err != nil {
			return err
		}
		for i, kind := range []string{triage.JobCreateTicket, triage.JobNotify, triage.JobUpdateTicket, triage.JobNotify} {
			j := &triage.Job{Kind: kind, Key: fmt.Sprintf("%s:%d", kind, i), RequestID: 1, Team: "platform",
				Payload: json.RawMessage(`{"text":"hi"}`), CreatedAt: T0, NextAt: T0.Add(time.Duration(i) * time.Minute)}
			if _, err := tx.Enqueue(j); err != nil {
				return err
			}
			switch i {
			case 1:
				if err := tx.CompleteJob(j); err != nil {
					return err
				}
			case 2:
				j.Attempts, j.LastError = 9, "tracker said 400"
				if err := tx.BuryJob(j); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("populate %s: %v", db.Path(), err)
	}
	for i := range 3 {
		d := &triage.Delivery{Kind: "event", Key: fmt.Sprintf("Ev%03d", i+10), Body: []byte(`{"type":"event_callback"}`), Received: T0}
		if _, err := db.Accept(d, 24*time.Hour); err != nil {
			t.Fatalf("populate %s: %v", db.Path(), err)
		}
		if i == 0 {
			if err := db.Done(d.Seq); err != nil {
				t.Fatalf("populate %s: %v", db.Path(), err)
			}
		}
	}
	for i := range 2 {
		_, _, err := db.CreateTicket(fmt.Sprintf("create:%d", i+1), func(n int64) local.Ticket {
			return local.Ticket{Key: fmt.Sprintf("LOC-%d", n), Team: "platform", RequestID: int64(i + 1),
				Summary: "the deploy is stuck", Status: "open", Urgency: "P3", Created: T0, Updated: T0.In(berlin)}
		})
		if err != nil {
			t.Fatalf("populate %s: %v", db.Path(), err)
		}
	}
}

// CheckEveryKind fails t unless the copy results cover every kind, each
// with at least one record, verified.
func CheckEveryKind(t testing.TB, res []transfer.KindResult) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range res {
		seen[r.Kind] = true
		if r.Source.Count == 0 {
			t.Errorf("%s: the source has no records, so the copy of this kind is untested", r.Kind)
		}
		if !r.Verified() {
			t.Errorf("%s: source %+v, target %+v", r.Kind, r.Source, r.Target)
		}
	}
	for _, k := range transfer.AllKinds {
		if !seen[k] {
			t.Errorf("kind %s was not copied", k)
		}
	}
}
