package triage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// LeaseRenewer is a Store that can renew job leases outside Update. A
// store that serialises its process's writes (store/postgres does) queues
// a renewal made in Update behind every write the workers and processors
// are waiting to make, and under a burst that wait outgrew a short lease:
// another replica took jobs whose handlers were still running, and a Jira
// issue was made twice. Run renews through RenewLeases when the Store has
// it, and through Tx.RenewLease otherwise.
type LeaseRenewer interface {
	// RenewLeases extends this replica's leases on jobs to a whole lease
	// from now, as Tx.RenewLease does for one, without waiting for the
	// process's writes. It returns the jobs it no longer holds: done, or
	// taken over by another replica once their lease ran out. It is safe
	// for concurrent use.
	RenewLeases(jobs []*Job) (lost []*Job, err error)
}

// errLeaseLost ends the context of a run whose job another replica took.
var errLeaseLost = errors.New("the job's lease ran out and another replica took it")

// leases holds the jobs Run's chains are running and renews their leases
// every Worker.Heartbeat, all in one store call, from before Yield until
// the run's outcome is recorded. A job found lost has its run's context
// ended, so that its handler stops before what it has not done yet, and
// its outcome is not recorded: the job is the other replica's now. Its
// methods are safe for concurrent use.
type leases struct {
	w    *Worker
	mu   sync.Mutex
	held map[uint64]*heldJob
}

// heldJob is one run a chain holds: the job's name, and how to end the
// run's context.
type heldJob struct {
	job    Job // ID, Key and Kind only: the handler may change its own
	cancel context.CancelCauseFunc
	lost   bool
	// recording is set once the run is over and its outcome being
	// recorded: a renewal that then finds the job gone most likely raced
	// with its completion, which is no loss to report.
	recording bool
}

func newLeases(w *Worker) *leases {
	return &leases{w: w, held: map[uint64]*heldJob{}}
}

// hold starts keeping j's lease, which the caller has just taken, and
// returns the context to run j in. Call drop when j's outcome is recorded.
// Without a heartbeat it keeps nothing and returns ctx.
func (l *leases) hold(ctx context.Context, j *Job) context.Context {
	if l.w.Heartbeat <= 0 {
		return ctx
	}
	ctx, cancel := context.WithCancelCause(ctx)
	l.mu.Lock()
	l.held[j.ID] = &heldJob{job: Job{ID: j.ID, Key: j.Key, Kind: j.Kind}, cancel: cancel}
	l.mu.Unlock()
	return ctx
}

// settle is called when j's run is over. It reports whether a renewal
// found that another replica took j; if none did, the lease is kept while
// the outcome is recorded, until drop, and no loss is reported any more.
func (l *leases) settle(j *Job) (lost bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.held[j.ID]
	if h == nil {
		return false
	}
	h.recording = !h.lost
	return h.lost
}

// drop stops keeping j's lease and ends its run's context.
func (l *leases) drop(j *Job) {
	l.mu.Lock()
	h := l.held[j.ID]
	delete(l.held, j.ID)
	l.mu.Unlock()
	if h != nil {
		h.cancel(nil)
	}
}

// run renews the held leases every Heartbeat until stop is closed. A
// renewal that fails is logged and tried again at the next beat: while a
// lease has not run out, a later renewal still keeps the job.
func (l *leases) run(stop <-chan struct{}) {
	if l.w.Heartbeat <= 0 {
		return
	}
	after := l.w.After
	if after == nil {
		after = time.After // unreferenced timers are collected since Go 1.23
	}
	for {
		select {
		case <-stop:
			return
		case <-after(l.w.Heartbeat):
		}
		if err := l.renew(); err != nil {
			l.w.log().Warn("outbox jobs' leases not renewed; if they run out another replica may run the jobs too", "err", err)
		}
	}
}

// renew renews every held lease once and ends the runs of those lost.
func (l *leases) renew() error {
	l.mu.Lock()
	jobs := make([]*Job, 0, len(l.held))
	for _, h := range l.held {
		if !h.lost {
			jobs = append(jobs, &h.job)
		}
	}
	l.mu.Unlock()
	if len(jobs) == 0 {
		return nil
	}
	lost, err := l.renewAll(jobs)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, j := range lost {
		h := l.held[j.ID]
		if h == nil || h.lost || h.recording {
			continue // recorded, or being recorded, meanwhile
		}
		h.lost = true
		h.cancel(errLeaseLost)
		l.w.log().Warn("outbox job's lease ran out and another replica took it; this run stops and records nothing",
			"job", j.Key)
	}
	return nil
}

// renewAll renews jobs' leases in one call and returns those lost.
func (l *leases) renewAll(jobs []*Job) ([]*Job, error) {
	if r, ok := l.w.Store.(LeaseRenewer); ok {
		lost, err := r.RenewLeases(jobs)
		if err != nil {
			return nil, fmt.Errorf("renew leases: %w", err)
		}
		return lost, nil
	}
	var lost []*Job
	err := l.w.Store.Update(func(tx Tx) error {
		lost = lost[:0] // the store may run this function again
		for _, j := range jobs {
			switch err := tx.RenewLease(j); {
			case errors.Is(err, ErrNotFound):
				lost = append(lost, j)
			case err != nil:
				return fmt.Errorf("renew lease of job %s: %w", j.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("renew leases: %w", err)
	}
	return lost, nil
}
