package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// T0 is a Monday in UTC; tests place everything relative to it.
var T0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Clock is a settable clock for a store's Now; it is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock set to at.
func NewClock(at time.Time) *Clock { return &Clock{now: at} }

// Now returns the time last set.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Request builds a valid open request; ids come from the caller so that
// tables can name them.
func Request(id int64, team string, created time.Time) *triage.Request {
	return &triage.Request{
		ID: id, Team: team, Source: triage.SourceChannel, User: "U1",
		Summary:   fmt.Sprintf("request %d", id),
		CreatedAt: created, Urgency: classifier.P3, Status: triage.StatusOpen, Outcome: triage.Accepted,
		Decision: classifier.Decision{Urgency: classifier.P3, Rule: "default"},
	}
}

// Put saves rs in one Update.
func Put(t testing.TB, s triage.Store, rs ...*triage.Request) {
	t.Helper()
	MustUpdate(t, s, func(tx triage.Tx) error {
		for _, r := range rs {
			if err := tx.PutRequest(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// MustUpdate runs fn in an Update and fails t on error.
func MustUpdate(t testing.TB, s triage.Store, fn func(tx triage.Tx) error) {
	t.Helper()
	if err := s.Update(fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// IDs lists what Requests returns for the window, in order.
func IDs(t testing.TB, s triage.Store, team string, from, to time.Time) []int64 {
	t.Helper()
	var out []int64
	if err := s.View(func(tx triage.Tx) error {
		out = out[:0]
		return tx.Requests(team, from, to, func(r *triage.Request) error {
			out = append(out, r.ID)
			return nil
		})
	}); err != nil {
		t.Fatalf("Requests: %v", err)
	}
	return out
}

// OpenIDs lists what OpenRequests returns for team, in order.
func OpenIDs(t testing.TB, s triage.Store, team string) []int64 {
	t.Helper()
	var out []int64
	if err := s.View(func(tx triage.Tx) error {
		out = out[:0]
		return tx.OpenRequests(team, func(r *triage.Request) error {
			out = append(out, r.ID)
			return nil
		})
	}); err != nil {
		t.Fatalf("OpenRequests: %v", err)
	}
	return out
}

// Job builds a notify job due at at.
func Job(key string, at time.Time) *triage.Job {
	return &triage.Job{Kind: triage.JobNotify, Key: key, CreatedAt: at, NextAt: at, Payload: []byte(`{"kind":"oncall"}`)}
}

// Enqueue enqueues j in its own Update and reports whether it was added.
func Enqueue(t testing.TB, s triage.Store, j *triage.Job) bool {
	t.Helper()
	var added bool
	if err := s.Update(func(tx triage.Tx) error {
		var err error
		added, err = tx.Enqueue(j)
		return err
	}); err != nil {
		t.Fatalf("Enqueue(%s): %v", j.Key, err)
	}
	return added
}

// DueKeys lists the keys of the jobs DueJobs returns, in order.
func DueKeys(t testing.TB, s triage.Store, now time.Time, limit int) []string {
	t.Helper()
	var keys []string
	if err := s.View(func(tx triage.Tx) error {
		jobs, err := tx.DueJobs(now, limit)
		keys = keys[:0]
		for _, j := range jobs {
			keys = append(keys, j.Key)
		}
		return err
	}); err != nil {
		t.Fatalf("DueJobs: %v", err)
	}
	return keys
}

// WantNotFound fails t unless err wraps triage.ErrNotFound.
func WantNotFound(t testing.TB, what string, err error) {
	t.Helper()
	if !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("%s: err = %v, want triage.ErrNotFound", what, err)
	}
}

// queuedJobs returns how many jobs h's store holds queued: its outbox
// figure where it has one (Outbox), else the count of every job DueJobs
// gives at any time, which a store one process owns hands out whole.
func queuedJobs(t testing.TB, h *handle) (int, error) {
	t.Helper()
	if h.Outbox != nil {
		q, _, _, err := h.OutboxStats()
		return q, err
	}
	return len(DueKeys(t, h, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0)), nil
}
