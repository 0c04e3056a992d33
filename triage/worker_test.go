package triage_test

import (
	"context"
	"errors"
	"sync/atomic"
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

// A retry's wait counts from when the failed run ended, not from when it
// began: a call that timed out after longer than the backoff was retried
// at once, against the tracker that had just been too slow, and a
// Retry-After was counted from before the answer that carried it. Run and
// RunOnce both count so.
func TestWorkerBackoffCountsFromTheRunsEnd(t *testing.T) {
	const slow = 30 * time.Millisecond // the handler's wall-clock time
	for _, run := range []struct {
		name string
		do   func(t *testing.T, w *triage.Worker, calls *atomic.Int32)
	}{
		{"RunOnce", func(t *testing.T, w *triage.Worker, _ *atomic.Int32) { drain(t, w) }},
		{"Run", func(t *testing.T, w *triage.Worker, calls *atomic.Int32) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); w.Run(ctx, 10*time.Millisecond) }()
			for calls.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
			<-done
		}},
	} {
		t.Run(run.name, func(t *testing.T) {
			f := newFixture(t)
			f.intake(t, triage.NewRequest{Summary: "need access to the billing bucket"})
			var calls atomic.Int32
			w := f.worker(nil, nil)
			w.Handlers[triage.JobCreateTicket] = func(context.Context, *triage.Job) (func(triage.Tx) error, error) {
				calls.Add(1)
				time.Sleep(slow)
				return nil, triage.RetryAfter(errors.New("429 Too Many Requests"), time.Minute)
			}
			began := f.clock.now()
			run.do(t, w, &calls)
			var next time.Time
			for _, j := range f.jobs(t) {
				if j.Kind == triage.JobCreateTicket {
					next = j.NextAt
				}
			}
			if next.Before(began.Add(time.Minute + slow)) {
				t.Errorf("retry at %v after the run began, want at least %v: a minute after its %v run ended",
					next.Sub(began), time.Minute+slow, slow)
			}
		})
	}
}

// A Kick may come before Run starts, or while it starts, from another
// goroutine (the race detector checks it), and it wakes a waiting Run
// that would otherwise sleep for its whole poll.
func TestWorkerKickBeforeAndDuringRun(t *testing.T) {
	f := newFixture(t)
	w := f.worker(nil, nil)
	ran := make(chan struct{}, 1)
	w.Handlers[triage.JobCreateTicket] = func(context.Context, *triage.Job) (func(triage.Tx) error, error) {
		select {
		case ran <- struct{}{}:
		default:
		}
		return nil, nil
	}
	w.Kick()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, time.Hour)
	}()
	defer func() { cancel(); <-done }()
	w.Kick()
	time.Sleep(50 * time.Millisecond) // let Run reach its wait
	f.intake(t, triage.NewRequest{Summary: "need access to the billing bucket"})
	w.Kick()
	select {
	case <-ran:
	case <-time.After(30 * time.Second): // the poll is an hour
		t.Fatal("a kicked worker did not run the due job")
	}
}

// rerun is a store whose Update runs fn twice, rolling the first run
// back, as a driver does after losing a race to another replica.
type rerun struct{ triage.Store }

var errLostRace = errors.New("lost a race")

func (s rerun) Update(fn func(triage.Tx) error) error {
	if err := s.Store.Update(func(tx triage.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errLostRace
	}); !errors.Is(err, errLostRace) {
		return err
	}
	return s.Store.Update(fn)
}

// A failed attempt is counted once even when the store runs the Update
// that records it again.
func TestWorkerCountsAttemptsOnceWhenUpdateRunsAgain(t *testing.T) {
	f := newFixture(t)
	f.intake(t, triage.NewRequest{Summary: "need access to the billing bucket"})
	w := f.worker(nil, nil)
	w.Store = rerun{f.db}
	w.Handlers[triage.JobCreateTicket] = func(context.Context, *triage.Job) (func(triage.Tx) error, error) {
		return nil, errors.New("jira is down")
	}
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range f.jobs(t) {
		if j.Kind != triage.JobCreateTicket {
			continue
		}
		found = true
		if j.Attempts != 1 {
			t.Errorf("job %s has %d attempts after one failure, want 1", j.Key, j.Attempts)
		}
	}
	if !found {
		t.Fatal("no ticket job queued")
	}
}
