package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// hourly is a duty due on every full hour that records the due times it
// planned, and can be made to fail.
type hourly struct {
	planned []time.Time
	fail    bool
}

func (h *hourly) duty() jobs.Duty {
	return jobs.Duty{
		Name: "hourly",
		Next: func(t time.Time) time.Time { return t.Truncate(time.Hour).Add(time.Hour) },
		Plan: func(tx triage.Tx, due time.Time) error {
			if h.fail {
				return errors.New("planned failure")
			}
			h.planned = append(h.planned, due)
			return nil
		},
	}
}

func TestSchedulerRunsOncePerDueTimeAndCatchesUpOnce(t *testing.T) {
	db := openStore(t)
	c := &clock{t: time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)}
	d := &hourly{}
	newScheduler := func() *jobs.Scheduler {
		return &jobs.Scheduler{Store: db, Now: c.now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Duties: []jobs.Duty{d.duty()}}
	}
	s := newScheduler()
	ctx := context.Background()
	run := func() int {
		n, err := s.RunDue(ctx)
		if err != nil && !d.fail {
			t.Fatal(err)
		}
		return n
	}
	if run() != 0 || len(d.planned) != 0 {
		t.Fatal("the first pass ran the duty; it should only start its clock")
	}
	c.t = time.Date(2026, 11, 23, 10, 59, 0, 0, time.UTC)
	if run() != 0 {
		t.Fatal("ran before 11:00")
	}
	c.t = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	if run() != 1 || run() != 0 {
		t.Fatal("at 11:00: want one run, then none")
	}
	s = newScheduler() // a restart at the same instant
	if run() != 0 {
		t.Fatal("a restart ran the 11:00 duty again")
	}
	// Down from 11:00 to 17:20: one run, for 17:00.
	c.t = time.Date(2026, 11, 23, 17, 20, 0, 0, time.UTC)
	if run() != 1 {
		t.Fatal("after downtime: want one catch-up run")
	}
	if last := d.planned[len(d.planned)-1]; !last.Equal(time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)) || len(d.planned) != 2 {
		t.Fatalf("planned %v, want 11:00 and 17:00 only", d.planned)
	}
	// A failing plan records nothing: the next pass tries again.
	c.t = time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
	d.fail = true
	if _, err := s.RunDue(ctx); err == nil {
		t.Fatal("a failing plan reported no error")
	}
	d.fail = false
	if run() != 1 || !d.planned[len(d.planned)-1].Equal(c.t) {
		t.Fatalf("the 18:00 run was not retried: %v", d.planned)
	}
}
