package triage

import (
	"context"
	"sync"
	"time"
)

// Attempt is what an outbox handler's context says about the job it is
// running, for the adapters whose calls have no idempotency key of their
// own (chat.postMessage): they tag each effect with the job's key and, when
// the job may have run before, look for the tag before acting again. An
// Attempt is safe for concurrent use.
type Attempt struct {
	// Key is the job's key, unique among queued and recent jobs.
	Key string
	// Created is when the job was queued; nothing it did is older.
	Created time.Time
	// Resumed is set when an earlier run of the job may have had effects:
	// it failed before (Attempts > 0), or a worker took it and never
	// recorded an outcome (it was leased when a crash struck).
	Resumed bool

	mu   sync.Mutex
	seen map[string]int
}

type attemptKey struct{}

// WithAttempt returns ctx carrying a.
func WithAttempt(ctx context.Context, a *Attempt) context.Context {
	return context.WithValue(ctx, attemptKey{}, a)
}

// AttemptOf returns the Attempt ctx carries, or nil outside an outbox job
// and the processing of a delivery.
func AttemptOf(ctx context.Context) *Attempt {
	a, _ := ctx.Value(attemptKey{}).(*Attempt)
	return a
}

// Next numbers the effects of this run within scope (such as a channel and
// thread): 0 for the first, then 1, 2... A handler that runs again with the
// same state makes the same effects in the same order, so (Key, scope, n)
// names one effect across runs.
func (a *Attempt) Next(scope string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = map[string]int{}
	}
	n := a.seen[scope]
	a.seen[scope] = n + 1
	return n
}

// attemptFor is the Attempt of one run of j, read before the run.
func attemptFor(j *Job) *Attempt {
	return &Attempt{Key: j.Key, Created: j.CreatedAt, Resumed: j.Attempts > 0 || j.Leased}
}
