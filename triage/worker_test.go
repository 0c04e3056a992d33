package triage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// A tracker's Retry-After outweighs the worker's own, shorter backoff.
func TestWorkerHonoursRetryAfter(t *testing.T) {
	f := newFixture(t)
	f.intake(t, triage.NewRequest{Summary: "need access to the billing bucket"})
	calls := 0
	w := f.worker(nil, nil)
	w.Handlers[triage.JobCreateTicket] = func(context.Context, *triage.Job) (func(triage.Tx) error, error) {
		calls++
		return nil, triage.RetryAfter(errors.New("429 Too Many Requests"), 90*time.Second)
	}
	drain(t, w)
	if calls != 1 {
		t.Fatalf("%d attempts, want 1", calls)
	}
	f.clock.add(89 * time.Second)
	drain(t, w)
	if calls != 1 {
		t.Fatalf("retried after 89s despite Retry-After 90s")
	}
	f.clock.add(2 * time.Second)
	drain(t, w)
	if calls != 2 {
		t.Fatalf("%d attempts after 91s, want 2", calls)
	}
	if d := triage.RetryDelay(errors.Join(errors.New("x"), triage.RetryAfter(errors.New("y"), time.Minute))); d != time.Minute {
		t.Fatalf("RetryDelay through a wrap = %v", d)
	}
}
