package storetest

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// testRenewLease renews the lease of a taken job: the job stays queued as
// it was, and a job no longer queued (completed, or named with another
// key) is not found.
func testRenewLease(t *testing.T, d Driver) {
	db := open(t, d, Options{Now: func() time.Time { return T0 }, Lease: time.Minute})
	Enqueue(t, db, Job("j1", T0))
	Enqueue(t, db, Job("j2", T0))
	var taken []*triage.Job
	MustUpdate(t, db, func(tx triage.Tx) error {
		var err error
		taken, err = tx.DueJobs(T0, 0)
		return err
	})
	if len(taken) != 2 {
		t.Fatalf("took %d jobs, want 2", len(taken))
	}
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.RenewLease(taken[0]) })
	if got := DueKeys(t, db, T0, 0); !slices.Equal(got, []string{"j1", "j2"}) {
		t.Errorf("after a renewal, this replica's due jobs = %v, want [j1 j2]", got)
	}
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(taken[1]) })
	WantNotFound(t, "renewing a completed job", db.Update(func(tx triage.Tx) error { return tx.RenewLease(taken[1]) }))
	other := *taken[0]
	other.Key = "not-j1"
	WantNotFound(t, "renewing a job under another key", db.Update(func(tx triage.Tx) error { return tx.RenewLease(&other) }))
}

// testReplicaRenewedLeaseHolds has replica a take a job and renew its
// lease: replica b cannot take it while the renewed lease runs, even past
// the first lease, nor renew it; once a stops renewing (it died), b takes
// it when the renewed lease has passed, and a's renewal then fails.
func testReplicaRenewedLeaseHolds(t *testing.T, d Driver) {
	const lease = time.Minute
	clk := NewClock(T0)
	stores := replicas(t, d, 2, Options{Now: clk.Now, Lease: lease})
	a, b := stores[0], stores[1]
	Enqueue(t, a, Job("j1", T0))
	var taken []*triage.Job
	MustUpdate(t, a, func(tx triage.Tx) error {
		var err error
		taken, err = tx.DueJobs(T0, 0)
		return err
	})
	if len(taken) != 1 {
		t.Fatalf("replica a took %d jobs, want 1", len(taken))
	}
	renewed := T0.Add(lease * 2 / 3)
	clk.Set(renewed)
	MustUpdate(t, a, func(tx triage.Tx) error { return tx.RenewLease(taken[0]) })
	WantNotFound(t, "replica b renewing a's job", b.Update(func(tx triage.Tx) error { return tx.RenewLease(taken[0]) }))
	clk.Set(T0.Add(lease))
	if got := DueKeys(t, b, clk.Now(), 0); len(got) != 0 {
		t.Errorf("when the first lease passed, replica b takes %v; a renewed it, want none", got)
	}
	clk.Set(renewed.Add(lease - time.Nanosecond))
	if got := DueKeys(t, b, clk.Now(), 0); len(got) != 0 {
		t.Errorf("just before the renewed lease passed, replica b takes %v, want none", got)
	}
	clk.Set(renewed.Add(lease))
	if got := DueKeys(t, b, clk.Now(), 0); !slices.Equal(got, []string{"j1"}) {
		t.Errorf("once the renewed lease passed, replica b takes %v, want [j1]", got)
	}
	WantNotFound(t, "replica a renewing a job b took over", a.Update(func(tx triage.Tx) error { return tx.RenewLease(taken[0]) }))
}

// testWorkerRenewsLongJobs runs a job whose handler outlasts the lease
// under triage.Worker.Run with a heartbeat: the worker renews the lease
// while the handler runs, so that (with replicas) another replica does
// not take the job even after the first lease has passed; the job runs
// once and every renewal succeeds. The heartbeat's waits are the test's,
// and so is the stores' clock.
func testWorkerRenewsLongJobs(t *testing.T, d Driver) {
	const lease = time.Minute
	clk := NewClock(T0)
	stores := handles(t, d, Options{Now: clk.Now, Lease: lease})
	a, b := stores[0], stores[1]
	Enqueue(t, a, Job("j1", T0))

	waits := make(chan chan time.Time)
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	runs := 0
	var logs bytes.Buffer
	var logMu sync.Mutex
	w := &triage.Worker{Store: a, Now: clk.Now, Heartbeat: lease / 3,
		Log: slog.New(slog.NewTextHandler(&lockedWriter{mu: &logMu, w: &logs}, nil)),
		After: func(time.Duration) <-chan time.Time {
			c := make(chan time.Time)
			waits <- c
			return c
		},
		Handlers: map[string]triage.Handler{triage.JobNotify: func(context.Context, *triage.Job) (func(triage.Tx) error, error) {
			mu.Lock()
			runs++
			mu.Unlock()
			close(started)
			<-release
			return nil, nil
		}}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, time.Hour) }()
	<-started
	next := func() chan time.Time {
		select {
		case c := <-waits:
			return c
		case <-time.After(30 * time.Second):
			close(release)
			t.Fatal("the worker's heartbeat never waited for its next beat: it does not renew leases")
			return nil
		}
	}
	// Two beats, at a third and two thirds of the lease; receiving the
	// next wait means the renewal before it has committed.
	for _, at := range []time.Time{T0.Add(lease / 3), T0.Add(lease * 2 / 3)} {
		beat := next()
		clk.Set(at)
		beat <- at
	}
	next()
	clk.Set(T0.Add(lease + lease/2)) // past the first lease, inside the renewed one
	if d.Replicas {
		if got := DueKeys(t, b, clk.Now(), 0); len(got) != 0 {
			t.Errorf("while a's worker renews the lease, replica b takes %v, want none", got)
		}
	}
	// Stopping lets the running handler return and records its outcome.
	close(release)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
	if q, _, _, err := a.OutboxStats(); err != nil || q != 0 {
		t.Errorf("%d jobs still queued, %v; want the job completed", q, err)
	}
	if runs != 1 {
		t.Errorf("the job ran %d times, want once", runs)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if strings.Contains(logs.String(), "not renewed") {
		t.Errorf("a renewal failed:\n%s", logs.String())
	}
}

// lockedWriter lets several goroutines log into one buffer.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
