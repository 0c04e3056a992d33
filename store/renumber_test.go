package store

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// TestMigrateV3NumbersSprintsFromOne writes a schema 3 file, when the first
// sprint was 0, and checks that opening it moves every stored sprint
// number up by one: requests, ledgers and the jobs that name a sprint.
func TestMigrateV3NumbersSprintsFromOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sprintguard.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	first := testRequest(1, "platform", t0)
	first.Sprint, first.SprintStart = 0, start
	later := testRequest(2, "platform", t0)
	later.Sprint, later.SprintStart = 2, start.AddDate(0, 0, 28)
	never := testRequest(3, "platform", t0) // never given a sprint
	budget := sprint.Budget{Capacity: 50, Fraction: 0.2, Unit: "points"}
	err = db.Update(func(tx triage.Tx) error {
		for _, r := range []*triage.Request{first, later, never} {
			if err := tx.PutRequest(r); err != nil {
				return err
			}
		}
		for n, id := range []string{"1", "2"} { // sprints 0 and 1, one charge each
			l := sprint.NewLedger("platform", n, budget)
			l.Reserve(id, float64(n+2), t0)
			if err := putOldLedger(tx, l); err != nil {
				return err
			}
		}
		jobs := []*triage.Job{
			{Kind: "sprint.carryover", Key: "sprint.carryover:platform:4", Team: "platform", Payload: json.RawMessage(`{"team":"platform","sprint":4}`), NextAt: t0},
			{Kind: triage.JobNotify, Key: "notify:budget:platform:0:0.5", Team: "platform", Payload: json.RawMessage(`{"kind":"budget","team":"platform","threshold":0.5,"at":"2026-01-06T10:00:00Z"}`), NextAt: t0},
			{Kind: triage.JobNotify, Key: "notify:other", Team: "platform", Payload: json.RawMessage(`{"kind":"claim","team":"platform","at":"2026-01-06T10:00:00Z"}`), NextAt: t0},
		}
		for _, j := range jobs {
			if _, err := tx.Enqueue(j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Mark the file as written by schema 3.
	if err := db.bolt.Update(func(b *bolt.Tx) error { return b.Bucket(bucketMeta).Put(keySchemaVersion, u64(3)) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openAt(t, path, Options{})
	err = db.View(func(tx triage.Tx) error {
		for id, want := range map[int64]int{1: 1, 2: 3, 3: 0} {
			r, err := tx.Request(id)
			if err != nil {
				return err
			}
			if r.Sprint != want {
				t.Errorf("request %d in sprint %d, want %d", id, r.Sprint, want)
			}
		}
		for n, charge := range map[int]float64{1: 2, 2: 3} {
			l, err := tx.Ledger("platform", n)
			if err != nil {
				t.Errorf("ledger of sprint %d: %v", n, err)
				continue
			}
			if l.Sprint != n || l.Used() != charge {
				t.Errorf("ledger at sprint %d says sprint %d, used %g; want %d, %g", n, l.Sprint, l.Used(), n, charge)
			}
		}
		if _, err := tx.Ledger("platform", 0); err == nil {
			t.Error("a ledger is still kept under sprint 0")
		}
		jobs, err := tx.DueJobs(t0.Add(time.Hour), 10)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, j := range jobs {
			got[j.Key] = string(j.Payload)
		}
		for key, want := range map[string]string{
			"sprint.carryover:platform:4":  `"sprint":5`,
			"notify:budget:platform:0:0.5": `"sprint":1`,
		} {
			if !json.Valid([]byte(got[key])) || !strings.Contains(got[key], want) {
				t.Errorf("job %s payload %s, want %s", key, got[key], want)
			}
		}
		if strings.Contains(got["notify:other"], "sprint") {
			t.Errorf("a notice that names no sprint was given one: %s", got["notify:other"])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
