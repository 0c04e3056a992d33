package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// t0 is a Monday in UTC; tests place everything relative to it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// openTest opens a fresh store in t's temp dir, closed at cleanup.
func openTest(t testing.TB, opt Options) *DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "sprintguard.db"), opt)
}

func openAt(t testing.TB, path string, opt Options) *DB {
	t.Helper()
	db, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// testRequest builds a valid request; ids come from the caller so that
// tables can name them.
func testRequest(id int64, team string, created time.Time) *triage.Request {
	return &triage.Request{
		ID: id, Team: team, Source: triage.SourceChannel, User: "U1",
		Summary:   fmt.Sprintf("request %d", id),
		CreatedAt: created, Urgency: classifier.P3, Status: triage.StatusOpen, Outcome: triage.Accepted,
		Decision: classifier.Decision{Urgency: classifier.P3, Rule: "default"},
	}
}

func put(t testing.TB, db *DB, rs ...*triage.Request) {
	t.Helper()
	if err := db.Update(func(tx triage.Tx) error {
		for _, r := range rs {
			if err := tx.PutRequest(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("put requests: %v", err)
	}
}

// ids lists what Requests returns for the window, in order.
func ids(t testing.TB, db *DB, team string, from, to time.Time) []int64 {
	t.Helper()
	var out []int64
	if err := db.View(func(tx triage.Tx) error {
		return tx.Requests(team, from, to, func(r *triage.Request) error {
			out = append(out, r.ID)
			return nil
		})
	}); err != nil {
		t.Fatalf("Requests: %v", err)
	}
	return out
}

func openIDs(t testing.TB, db *DB, team string) []int64 {
	t.Helper()
	var out []int64
	if err := db.View(func(tx triage.Tx) error {
		return tx.OpenRequests(team, func(r *triage.Request) error {
			out = append(out, r.ID)
			return nil
		})
	}); err != nil {
		t.Fatalf("OpenRequests: %v", err)
	}
	return out
}

func wantNotFound(t testing.TB, what string, err error) {
	t.Helper()
	if !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("%s: err = %v, want triage.ErrNotFound", what, err)
	}
}
