package triage

import (
	"context"
	"encoding/json"
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
// Run and RunOnce must not be called concurrently on one Worker.
type Worker struct {
	Store    Store
	Handlers map[string]Handler
	Now      func() time.Time
	Log      *slog.Logger
	// Batch is how many due jobs one round takes; their results commit in
	// one transaction.
	Batch int
	// MaxBackoff caps the delay between attempts.
	MaxBackoff time.Duration
	// Observe, if set, is told of every attempt's result (for metrics).
	Observe func(j *Job, err error, took time.Duration)

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

// Run drains the outbox until ctx ends, waiting up to poll between rounds.
func (w *Worker) Run(ctx context.Context, poll time.Duration) error {
	kick := w.kicks()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.log().Error("outbox round failed", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-kick:
		}
	}
}

// RunOnce performs the jobs due now, up to Batch, and reports how many it
// attempted.
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
	type result struct {
		commit func(Tx) error
		err    error
	}
	results := make([]result, len(jobs))
	for i, j := range jobs {
		if ctx.Err() != nil {
			jobs = jobs[:i]
			results = results[:i]
			break
		}
		results[i].commit, results[i].err = w.run(ctx, j)
	}
	err := w.Store.Update(func(tx Tx) error {
		for i, j := range jobs {
			// finish counts the attempt on the job it is given; a store may
			// run this function again after losing a race (the PostgreSQL
			// driver does), so each run starts from the job as it was taken.
			j := *j
			if err := w.finish(tx, &j, results[i].commit, results[i].err, now); err != nil {
				return fmt.Errorf("finish job %s: %w", j.Key, err)
			}
		}
		return nil
	})
	return len(jobs), err
}

func (w *Worker) run(ctx context.Context, j *Job) (func(Tx) error, error) {
	h := w.Handlers[j.Kind]
	if h == nil {
		return nil, fmt.Errorf("no handler for %q jobs", j.Kind)
	}
	start := time.Now()
	ctx = logctx.With(ctx, "job", j.Key, "request", j.RequestID)
	commit, err := h(ctx, j)
	if w.Observe != nil {
		w.Observe(j, err, time.Since(start))
	}
	return commit, err
}

func (w *Worker) finish(tx Tx, j *Job, commit func(Tx) error, err error, now time.Time) error {
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
