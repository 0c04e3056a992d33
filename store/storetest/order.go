package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// requestJob is a job about request id, due at at.
func requestJob(key string, id int64, at time.Time) *triage.Job {
	j := Job(key, at)
	j.RequestID = id
	return j
}

// testReplicasRunARequestsJobsInOrder has replica a run a request's job
// (a ticket's create, say, against a slow tracker) while a later job of
// the same request is queued (an on-call's button): replica b, whose
// worker finds the later job due, must not run it before the earlier one
// has finished on a, as one process's worker would not. A job of another
// request runs on b meanwhile.
func testReplicasRunARequestsJobsInOrder(t *testing.T, d Driver) {
	stores := replicas(t, d, 2, Options{Lease: time.Minute})
	a, b := stores[0], stores[1]
	Enqueue(t, a, requestJob("ticket.create:1", 1, T0))
	var mu sync.Mutex
	var log []string // "start KEY" and "end KEY", in order
	note := func(what string) {
		mu.Lock()
		log = append(log, what)
		mu.Unlock()
	}
	started, release := make(chan struct{}), make(chan struct{})
	worker := func(db triage.Store) *triage.Worker {
		return &triage.Worker{Store: db, Now: func() time.Time { return T0 }, Batch: 8,
			Handlers: map[string]triage.Handler{triage.JobNotify: func(_ context.Context, j *triage.Job) (func(triage.Tx) error, error) {
				note("start " + j.Key)
				if j.Key == "ticket.create:1" {
					close(started)
					<-release
				}
				note("end " + j.Key)
				return nil, nil
			}}}
	}
	done := make(chan error, 1)
	go func() {
		_, err := worker(a).RunOnce(context.Background())
		done <- err
	}()
	<-started
	Enqueue(t, a, requestJob("ticket.update:1:5", 1, T0))
	Enqueue(t, a, requestJob("ticket.create:2", 2, T0))
	wb := worker(b)
	if _, err := wb.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := wb.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"start ticket.create:1", "start ticket.create:2", "end ticket.create:2", "end ticket.create:1",
		"start ticket.update:1:5", "end ticket.update:1:5"}
	if !slices.Equal(log, want) {
		t.Errorf("jobs ran %q,\nwant %q: request 1's update waits for its create, on the other replica", log, want)
	}
}

// testReplicaHoldsARequestsJobsBack is the store's part of that: DueJobs
// does not hand a replica a job while another job of its request is held,
// under a live lease, by another replica. The holder gets them all; a job
// of the request waiting for its retry holds nothing back; once the
// holder's lease has passed, every replica may take them.
func testReplicaHoldsARequestsJobsBack(t *testing.T, d Driver) {
	const lease = time.Minute
	clk := NewClock(T0)
	stores := replicas(t, d, 2, Options{Now: clk.Now, Lease: lease})
	a, b := stores[0], stores[1]
	Enqueue(t, a, requestJob("c1", 1, T0))
	var held []*triage.Job
	_ = a.View(func(tx triage.Tx) error {
		var err error
		held, err = tx.DueJobs(T0, 1)
		return err
	})
	if len(held) != 1 {
		t.Fatalf("replica a took %d jobs, want c1", len(held))
	}
	j := *held[0]
	j.Leased = true
	MustUpdate(t, a, func(tx triage.Tx) error { return tx.PutJob(&j) })
	Enqueue(t, a, requestJob("u1", 1, T0))
	Enqueue(t, a, requestJob("c2", 2, T0))
	Enqueue(t, a, Job("report", T0))
	if got := DueKeys(t, b, T0, 0); !slices.Equal(got, []string{"c2", "report"}) {
		t.Errorf("replica b takes %v while a holds c1, want [c2 report]: u1 waits for c1", got)
	}
	if got := DueKeys(t, a, T0, 0); !slices.Equal(got, []string{"c1", "u1"}) {
		t.Errorf("replica a takes %v, want its c1 and request 1's u1", got)
	}
	// c3 failed and waits for its retry: request 3's next job is not held.
	Enqueue(t, a, requestJob("c3", 3, T0))
	var c3 *triage.Job
	_ = a.View(func(tx triage.Tx) error {
		js, err := tx.DueJobs(T0, 0)
		for _, j := range js {
			if j.Key == "c3" {
				c3 = j
			}
		}
		return err
	})
	c3.Attempts, c3.NextAt = 1, T0.Add(time.Hour)
	MustUpdate(t, a, func(tx triage.Tx) error { return tx.PutJob(c3) })
	Enqueue(t, a, requestJob("u3", 3, T0))
	if got := DueKeys(t, b, T0.Add(time.Second), 0); !slices.Contains(got, "u3") {
		t.Errorf("replica b takes %v while request 3's c3 waits for its retry, want u3 among them", got)
	}
	// a dies: once its lease has passed, b takes request 1's jobs, in order.
	clk.Set(T0.Add(lease))
	got := DueKeys(t, b, T0.Add(lease), 0)
	if i, k := slices.Index(got, "c1"), slices.Index(got, "u1"); i < 0 || k < i {
		t.Errorf("once a's lease passed, replica b takes %v, want c1 then u1 among them", got)
	}
}
