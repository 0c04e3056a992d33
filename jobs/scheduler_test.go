package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
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

// leader is a Leader a test sets.
type leader struct{ leading bool }

func (l *leader) Leading() bool { return l.leading }

// TestSchedulerRunsOnlyOnTheLeader runs two replicas' schedulers on one
// store: the follower runs nothing, and when leadership moves after a
// missed due time the new leader catches up once.
func TestSchedulerRunsOnlyOnTheLeader(t *testing.T) {
	db := openStore(t)
	c := &clock{t: time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)}
	d := &hourly{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	la, lb := &leader{leading: true}, &leader{}
	a := &jobs.Scheduler{Store: db, Now: c.now, Log: log, Duties: []jobs.Duty{d.duty()}, Leader: la}
	b := &jobs.Scheduler{Store: db, Now: c.now, Log: log, Duties: []jobs.Duty{d.duty()}, Leader: lb}
	ctx := context.Background()
	pass := func() (int, int) {
		na, err := a.RunDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := b.RunDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return na, nb
	}
	pass() // starts the duty's clock
	c.t = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	if na, nb := pass(); na != 1 || nb != 0 {
		t.Fatalf("at 11:00 leader ran %d, follower %d; want 1 and 0", na, nb)
	}
	// The leader dies before 12:00; the other replica leads from 12:20.
	la.leading = false
	c.t = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if na, nb := pass(); na != 0 || nb != 0 {
		t.Fatalf("with no leader %d and %d ran", na, nb)
	}
	lb.leading = true
	c.t = time.Date(2026, 11, 23, 12, 20, 0, 0, time.UTC)
	if na, nb := pass(); na != 0 || nb != 1 {
		t.Fatalf("after the move old leader ran %d, new %d; want 0 and 1", na, nb)
	}
	if na, nb := pass(); na+nb != 0 {
		t.Fatal("the caught-up run ran twice")
	}
	want := []time.Time{time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	if len(d.planned) != 2 || !d.planned[0].Equal(want[0]) || !d.planned[1].Equal(want[1]) {
		t.Fatalf("planned %v, want %v", d.planned, want)
	}
}

// TestSchedulerWake checks that Wake makes a waiting Run pass at once,
// and that a Wake before Run starts is not lost.
func TestSchedulerWake(t *testing.T) {
	db := openStore(t)
	c := &clock{t: time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)}
	passes := make(chan struct{}, 10)
	s := &jobs.Scheduler{Store: db, Now: c.now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Sweeps: []func(context.Context) (int, error){func(context.Context) (int, error) { passes <- struct{}{}; return 0, nil }}}
	s.Wake()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx, time.Hour) }()
	for range 2 { // the first pass, then the early Wake's
		<-passes
	}
	s.Wake()
	<-passes
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestSweepStoppedByShutdown checks that a sweep that shutdown cut short
// is not logged as a failure or returned as one, while a sweep that fails
// on its own still is.
func TestSweepStoppedByShutdown(t *testing.T) {
	db := openStore(t)
	c := &clock{t: time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name      string
		cancel    bool
		sweepErr  error
		wantError bool
	}{
		{"cut short by shutdown", true, context.Canceled, false},
		{"failed on its own", false, errors.New("disk full"), true},
		{"failed on its own as shutdown began", true, errors.New("disk full"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logged bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &jobs.Scheduler{Store: db, Now: c.now, Log: slog.New(slog.NewTextHandler(&logged, nil)),
				Sweeps: []func(context.Context) (int, error){func(context.Context) (int, error) {
					if tc.cancel {
						cancel()
					}
					return 0, tc.sweepErr
				}}}
			_, err := s.RunDue(ctx)
			failed := strings.Contains(logged.String(), "level=ERROR")
			if (err != nil) != tc.wantError || failed != tc.wantError {
				t.Errorf("RunDue returned %v and logged %q; want an error and an ERROR line: %v", err, logged.String(), tc.wantError)
			}
		})
	}
}
