package triage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/internal/logctx"
)

// Handler performs one outbox job. It runs outside any transaction and must
// be safe to run again for the same job (after a crash, the job is retried).
// On success it may return commit, which the worker runs in the transaction
// that completes the job, so recording the result and finishing the job
// happen together.
type Handler func(ctx context.Context, j *Job) (commit func(Tx) error, err error)

// Worker drains the outbox with retries, exponential backoff and jitter.
// Its fields are set before first use. Run and RunOnce must not be called
// concurrently on one Worker; Kick is safe for concurrent use.
type Worker struct {
	Store    Store
	Handlers map[string]Handler
	Now      func() time.Time
	Log      *slog.Logger
	// Batch is how many due jobs one RunOnce round takes; their results
	// commit in one transaction.
	Batch int
	// Workers is how many jobs Run performs at once (DefaultWorkers when
	// unset). Jobs of one request run one at a time, in order. Jobs mostly
	// wait for a Web API or the store's commit, so many overlap on few
	// CPUs; Slack's limits are kept by the Limiter and its Retry-After,
	// not by this.
	Workers int
	// TeamWorkers is how many of those one team's jobs may hold at once
	// (three quarters of Workers when unset), so that a team whose
	// tracker or channel is slow leaves the others room.
	TeamWorkers int
	// MaxScan is how many due jobs Run reads at most, past a full team's,
	// to reach the other teams' (16384 when unset).
	MaxScan int
	// MaxBackoff caps the delay between attempts.
	MaxBackoff time.Duration
	// Observe, if set, is told of every attempt's result (for metrics).
	// Run calls it from several goroutines at once.
	Observe func(j *Job, err error, took time.Duration)
	// Heartbeat is how often Run renews the leases of the jobs it holds,
	// from their lease until their outcomes are recorded (LeaseRenewer, or
	// Tx.RenewLease), so that a handler slower than the store's lease is
	// not taken over and run again by another replica. A fraction of the
	// lease (serve uses a third); 0 renews nothing, which suits a store
	// one process owns.
	Heartbeat time.Duration
	// After, if set, replaces time.After for the heartbeat's waits, so
	// that a test drives them with its own clock.
	After func(time.Duration) <-chan time.Time
	// Yield, if set, is called before each job Run performs, with the
	// job leased, and may wait: serve passes the bot's, so that the
	// outbox's CPU goes to acknowledgements while they back up. Run calls
	// it from several goroutines at once.
	Yield func(context.Context)

	kickOnce sync.Once
	kick     chan struct{}
}

// kicks returns the wake-up channel, made once: Kick may run before Run
// starts, from another goroutine.
func (w *Worker) kicks() chan struct{} {
	w.kickOnce.Do(func() { w.kick = make(chan struct{}, 1) })
	return w.kick
}

// Kick wakes a running worker early; it is safe for concurrent use.
func (w *Worker) Kick() {
	select {
	case w.kicks() <- struct{}{}:
	default:
	}
}

// RunOnce performs the jobs due now, up to Batch, one after the other, and
// reports how many it attempted. Unlike Run it does not lease them first:
// it is for tests and offline replays, which no crash can interrupt.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	now := w.Now()
	batch := w.Batch
	if batch <= 0 {
		batch = 64
	}
	var jobs []*Job
	if err := w.Store.View(func(tx Tx) error {
		var err error
		jobs, err = tx.DueJobs(now, batch)
		return err
	}); err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	results := make([]outcome, len(jobs))
	for i, j := range jobs {
		if ctx.Err() != nil {
			jobs = jobs[:i]
			results = results[:i]
			break
		}
		results[i] = w.run(ctx, j, attemptFor(j))
	}
	err := w.Store.Update(func(tx Tx) error {
		for i, j := range jobs {
			// finish counts the attempt on the job it is given; a store may
			// run this function again after losing a race (the PostgreSQL
			// driver does), so each run starts from the job as it was taken.
			j := *j
			if err := w.finish(tx, &j, results[i].commit, results[i].err, results[i].at); err != nil {
				return fmt.Errorf("finish job %s: %w", j.Key, err)
			}
		}
		return nil
	})
	return len(jobs), err
}

// outcome is what one run of a job returned; at is when the run ended,
// which its retry's backoff counts from: when it started, by Now, and how
// long it took, by the wall clock. Counted from the start, a backoff
// shorter than the call that timed out (one second against Jira's 15 s)
// let the retry go at once to the tracker that was too slow, and a
// Retry-After was counted from before its answer came. A test's clock
// that stands still, or is moved while the handler fails, still counts
// from where the run began.
type outcome struct {
	j      *Job
	at     time.Time
	commit func(Tx) error
	err    error
}

func (w *Worker) run(ctx context.Context, j *Job, a *Attempt) outcome {
	at := w.Now()
	h := w.Handlers[j.Kind]
	if h == nil {
		return outcome{j: j, at: at, err: fmt.Errorf("no handler for %q jobs", j.Kind)}
	}
	start := time.Now()
	ctx = WithAttempt(logctx.With(ctx, "job", j.Key, "request", j.RequestID), a)
	commit, err := h(ctx, j)
	took := time.Since(start)
	if w.Observe != nil {
		w.Observe(j, err, took)
	}
	return outcome{j: j, at: at.Add(took), commit: commit, err: err}
}

// record commits one run's outcome in a transaction of its own; an outcome
// whose commit fails is recorded as a failed attempt instead. It is safe
// for concurrent use: the store's writer commits concurrent outcomes
// together.
func (w *Worker) record(o outcome) {
	err := w.Store.Update(func(tx Tx) error { return w.finish(tx, o.j, o.commit, o.err, o.at) })
	if err == nil {
		return
	}
	w.log().Error("outbox job result not recorded; it will run again", "job", o.j.Key, "err", err)
	err = w.Store.Update(func(tx Tx) error {
		return w.finish(tx, o.j, nil, fmt.Errorf("record result: %w", err), o.at)
	})
	if err != nil {
		w.log().Error("outbox job failure not recorded", "job", o.j.Key, "err", err)
	}
}

// recordAndLease commits o, a successful run, and leases n in the same
// transaction, and reports whether n was leased: it is not when n is no
// longer queued as it was read. It is safe for concurrent use.
func (w *Worker) recordAndLease(o outcome, n *Job) (bool, error) {
	var leased bool
	err := w.Store.Update(func(tx Tx) error {
		leased = false // the store may run this function again
		if err := w.finish(tx, o.j, o.commit, o.err, o.at); err != nil {
			return fmt.Errorf("finish job %s: %w", o.j.Key, err)
		}
		l := *n
		l.Leased = true
		switch err := tx.PutJob(&l); {
		case err == nil:
			leased = true
		case errors.Is(err, ErrNotFound):
		default:
			return fmt.Errorf("lease job %s: %w", n.Key, err)
		}
		return nil
	})
	return leased, err
}

// finish records one run's outcome in tx. It changes a copy of j, so that
// a transaction rolled back leaves j as it was, to be recorded again.
func (w *Worker) finish(tx Tx, j *Job, commit func(Tx) error, err error, now time.Time) error {
	c := *j
	j = &c
	if err == nil {
		if commit != nil {
			if err := commit(tx); err != nil {
				return err
			}
		}
		return tx.CompleteJob(j)
	}
	j.Attempts++
	j.LastError = err.Error()
	if IsPermanent(err) {
		w.log().Error("outbox job failed for good", "job", j.Key, "attempts", j.Attempts, "err", err)
		return tx.BuryJob(j)
	}
	// The failed run is on record in Attempts; the lease is over.
	j.Leased = false
	j.NextAt = now.Add(max(w.backoff(j.Attempts), RetryDelay(err)))
	w.log().Warn("outbox job will be retried", "job", j.Key, "attempts", j.Attempts, "next_at", j.NextAt, "err", err)
	return tx.PutJob(j)
}

// backoff doubles from one second up to MaxBackoff, with jitter so that
// jobs failed together do not retry together.
func (w *Worker) backoff(attempt int) time.Duration {
	limit := w.MaxBackoff
	if limit <= 0 {
		limit = 10 * time.Minute
	}
	return Backoff(attempt, time.Second, limit, rand.Float64())
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

// enqueueJSON queues a job about r whose payload is v.
func (s *Service) enqueueJSON(tx Tx, kind, key string, r *Request, v any, at time.Time) error {
	p, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.enqueue(tx, &Job{Kind: kind, Key: key, RequestID: r.ID, Team: r.Team, Payload: p}, at)
}
