package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/testlog"
	"github.com/sprintguard/sprintguard/triage"
)

// renewal is one way a worker renews a job's lease; it fails with
// triage.ErrNotFound when the job is no longer this replica's.
type renewal func(t *testing.T, s Store, j *triage.Job) error

// eachRenewal runs test for each way a lease is renewed: in an Update
// (Tx.RenewLease), and outside it (triage.LeaseRenewer) when the driver's
// store has that.
func eachRenewal(t *testing.T, test func(t *testing.T, renew renewal)) {
	t.Run("Tx", func(t *testing.T) {
		test(t, func(_ *testing.T, s Store, j *triage.Job) error {
			return s.Update(func(tx triage.Tx) error { return tx.RenewLease(j) })
		})
	})
	t.Run("LeaseRenewer", func(t *testing.T) {
		test(t, func(t *testing.T, s Store, j *triage.Job) error {
			r := renewerOf(t, s)
			lost, err := r.RenewLeases([]*triage.Job{j})
			if err != nil {
				return err
			}
			if len(lost) > 0 {
				return fmt.Errorf("renew lease of job %s: %w", j.Key, triage.ErrNotFound)
			}
			return nil
		})
	})
}

// renewerOf returns s as a triage.LeaseRenewer, or skips t when the
// driver's store is not one.
func renewerOf(t *testing.T, s Store) triage.LeaseRenewer {
	t.Helper()
	if h, ok := s.(*handle); ok {
		s = h.Store
	}
	r, ok := s.(triage.LeaseRenewer)
	if !ok {
		t.Skip("the driver's store renews leases only in Update")
	}
	return r
}

// testRenewLease renews the lease of a taken job: the job stays queued as
// it was, and a job no longer queued (completed, or named with another
// key) is not found.
func testRenewLease(t *testing.T, d Driver) {
	eachRenewal(t, func(t *testing.T, renew renewal) { testRenewLeaseWith(t, d, renew) })
}

func testRenewLeaseWith(t *testing.T, d Driver, renew renewal) {
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
	if err := renew(t, db, taken[0]); err != nil {
		t.Fatalf("renew the lease of a taken job: %v", err)
	}
	if got := DueKeys(t, db, T0, 0); !slices.Equal(got, []string{"j1", "j2"}) {
		t.Errorf("after a renewal, this replica's due jobs = %v, want [j1 j2]", got)
	}
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(taken[1]) })
	WantNotFound(t, "renewing a completed job", renew(t, db, taken[1]))
	other := *taken[0]
	other.Key = "not-j1"
	WantNotFound(t, "renewing a job under another key", renew(t, db, &other))
}

// testReplicaRenewedLeaseHolds has replica a take a job and renew its
// lease: replica b cannot take it while the renewed lease runs, even past
// the first lease, nor renew it; once a stops renewing (it died), b takes
// it when the renewed lease has passed, and a's renewal then fails.
func testReplicaRenewedLeaseHolds(t *testing.T, d Driver) {
	eachRenewal(t, func(t *testing.T, renew renewal) { testReplicaRenewedLeaseHoldsWith(t, d, renew) })
}

func testReplicaRenewedLeaseHoldsWith(t *testing.T, d Driver, renew renewal) {
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
	if err := renew(t, a, taken[0]); err != nil {
		t.Fatalf("replica a renewing its job: %v", err)
	}
	WantNotFound(t, "replica b renewing a's job", renew(t, b, taken[0]))
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
	WantNotFound(t, "replica a renewing a job b took over", renew(t, a, taken[0]))
}

// testWorkerRenewsLongJobs runs a job whose handler outlasts the lease
// under triage.Worker.Run with a heartbeat: the worker renews the lease
// while the handler runs, so that (with replicas) another replica does
// not take the job even after the first lease has passed; the job runs
// once and every renewal succeeds. The heartbeat's waits are the test's,
// and so is the stores' clock.
func testWorkerRenewsLongJobs(t *testing.T, d Driver) {
	t.Run("Update", func(t *testing.T) { testWorkerRenewsLongJobsVia(t, d, false) })
	t.Run("LeaseRenewer", func(t *testing.T) { testWorkerRenewsLongJobsVia(t, d, true) })
}

// testWorkerRenewsLongJobsVia is testWorkerRenewsLongJobs with the worker
// on the store itself, whose RenewLeases it then uses (outside, when
// the store is a triage.LeaseRenewer), or on a handle that offers only
// the triage.Store methods, so that it renews in Update.
func testWorkerRenewsLongJobsVia(t *testing.T, d Driver, outside bool) {
	const lease = time.Minute
	clk := NewClock(T0)
	stores := handles(t, d, Options{Now: clk.Now, Lease: lease})
	a, b := stores[0], stores[1]
	var ws triage.Store = a
	if outside {
		ws = renewerOf(t, a).(triage.Store)
	}
	Enqueue(t, a, Job("j1", T0))

	waits := make(chan chan time.Time)
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	runs := 0
	var logs testlog.Buffer
	w := &triage.Worker{Store: ws, Now: clk.Now, Heartbeat: lease / 3,
		Log: slog.New(slog.NewTextHandler(&logs, nil)),
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
	if q, err := queuedJobs(t, a); err != nil || q != 0 {
		t.Errorf("%d jobs still queued, %v; want the job completed", q, err)
	}
	if runs != 1 {
		t.Errorf("the job ran %d times, want once", runs)
	}
	if strings.Contains(logs.String(), "not renewed") {
		t.Errorf("a renewal failed:\n%s", logs.String())
	}
}

// testRenewLeasesWaitsForNoUpdate renews leases with RenewLeases while an
// Update of the same handle is under way: the renewal does not wait for
// it (a process's Updates are serialised, and under a burst the queue of
// them outlasted a short lease), and it reports exactly the jobs gone or
// named with another key as lost.
func testRenewLeasesWaitsForNoUpdate(t *testing.T, d Driver) {
	db := open(t, d, Options{Now: func() time.Time { return T0 }, Lease: time.Minute})
	r := renewerOf(t, db)
	for _, k := range []string{"j1", "j2", "j3"} {
		Enqueue(t, db, Job(k, T0))
	}
	var taken []*triage.Job
	MustUpdate(t, db, func(tx triage.Tx) error {
		var err error
		taken, err = tx.DueJobs(T0, 0)
		return err
	})
	if len(taken) != 3 {
		t.Fatalf("took %d jobs, want 3", len(taken))
	}
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(taken[1]) })
	renamed := *taken[2]
	renamed.Key = "not-j3"

	inside, release, updated := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		updated <- db.Update(func(triage.Tx) error {
			select {
			case <-inside: // run again after a lost race
			default:
				close(inside)
			}
			<-release
			return nil
		})
	}()
	<-inside
	type result struct {
		lost []*triage.Job
		err  error
	}
	renewed := make(chan result, 1)
	go func() {
		lost, err := r.RenewLeases([]*triage.Job{taken[0], taken[1], &renamed})
		renewed <- result{lost, err}
	}()
	var got result
	select {
	case got = <-renewed:
	case <-time.After(30 * time.Second):
		close(release)
		t.Fatal("RenewLeases waited for an Update under way")
	}
	close(release)
	if err := <-updated; err != nil {
		t.Fatalf("the Update under way: %v", err)
	}
	if got.err != nil {
		t.Fatalf("RenewLeases: %v", got.err)
	}
	var lost []string
	for _, j := range got.lost {
		lost = append(lost, j.Key)
	}
	if !slices.Equal(lost, []string{"j2", "not-j3"}) {
		t.Errorf("RenewLeases lost %v, want [j2 not-j3]: the completed job and the one under another key", lost)
	}
	if got := DueKeys(t, db, T0, 0); !slices.Equal(got, []string{"j1", "j3"}) {
		t.Errorf("after the renewal, this replica's due jobs = %v, want [j1 j3]", got)
	}
}
