// Package jobs runs each team's scheduled duties (the weekly report, the
// on-call handoff, the sprint-start carry-over) and the escalation sweep.
//
// A duty never talks to Slack itself. When it falls due, its Plan queues
// outbox jobs with idempotency keys, in the same transaction that records
// the run, so a run happens exactly once: a crash before the commit runs
// it again, a crash after leaves it to the outbox, and two quick restarts
// find it recorded. After downtime, a duty whose time has passed runs once
// at start-up, for its latest due time only.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Duty is one scheduled piece of work.
type Duty struct {
	// Name identifies the duty's runs in the store, e.g. "report:platform".
	Name string
	// Next returns the first due time strictly after t.
	Next func(t time.Time) time.Time
	// Plan queues the duty's work for due inside tx.
	Plan func(tx triage.Tx, due time.Time) error
}

// Leader says whether this replica is the one that runs the duties now.
// With several replicas on one database only the leader does, so each due
// run happens once; the last-run records let a new leader catch up on what
// the old one missed. Leading is called from the scheduler's goroutine.
type Leader interface {
	Leading() bool
}

// Scheduler runs duties when they fall due. RunDue may be called from one
// goroutine at a time; Run calls it in a loop. Wake is safe for concurrent
// use.
type Scheduler struct {
	Store triage.Store
	Now   func() time.Time
	Log   *slog.Logger
	// Kick, if set, wakes the outbox worker after duties queued jobs.
	Kick   func()
	Duties []Duty
	// Observe, if set, is told of every run (for metrics).
	Observe func(name string, err error)
	// Sweeps run on every pass, after the duties: the escalation check.
	Sweeps []func(ctx context.Context) (int, error)
	// Leader, if set, gates every pass: a replica that does not lead runs
	// nothing. Nil means this process always leads (one bbolt file).
	Leader Leader

	wakeOnce sync.Once
	wake     chan struct{}
}

// maxCatchUp bounds the walk from a duty's last run to now, so a duty with
// a tiny period and a long downtime cannot spin.
const maxCatchUp = 10000

// RunDue runs every duty whose due time has come, each at most once, then
// the sweeps, and returns how many duties ran plus what the sweeps did. A duty that never ran starts counting from now:
// installing sprintguard does not replay the past.
func (s *Scheduler) RunDue(ctx context.Context) (int, error) {
	if s.Leader != nil && !s.Leader.Leading() {
		return 0, nil
	}
	now := s.Now()
	ran := 0
	var errs []error
	for _, d := range s.Duties {
		if ctx.Err() != nil {
			break
		}
		did, err := s.runOne(d, now)
		if s.Observe != nil && (did || err != nil) {
			s.Observe(d.Name, err)
		}
		if err != nil {
			s.Log.Error("scheduled duty failed; it runs again on the next pass", "duty", d.Name, "err", err)
			errs = append(errs, err)
			continue
		}
		if did {
			ran++
		}
	}
	for _, sweep := range s.Sweeps {
		if ctx.Err() != nil {
			break
		}
		n, err := sweep(ctx)
		ran += n
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// Shutdown cut the sweep short; the next start sweeps again,
			// so an operator reading the log has nothing to act on.
			s.Log.Info("sweep stopped by shutdown", "err", err)
			break
		}
		if err != nil {
			s.Log.Error("sweep failed", "err", err)
			errs = append(errs, err)
		}
	}
	if ran > 0 && s.Kick != nil {
		s.Kick()
	}
	if len(errs) > 0 {
		return ran, fmt.Errorf("run duties: %d failed, first: %w", len(errs), errs[0])
	}
	return ran, nil
}

// runOne runs d for its latest due time at or before now, if it has not
// run for it yet.
func (s *Scheduler) runOne(d Duty, now time.Time) (bool, error) {
	did := false
	err := s.Store.Update(func(tx triage.Tx) error {
		did = false
		last, ok, err := tx.LastRun(d.Name)
		if err != nil {
			return err
		}
		if !ok {
			return tx.SetLastRun(d.Name, now)
		}
		due, found := latestDue(d, last, now)
		if !found {
			return nil
		}
		if err := d.Plan(tx, due); err != nil {
			return fmt.Errorf("plan %s for %s: %w", d.Name, due.Format(time.RFC3339), err)
		}
		did = true
		s.Log.Info("scheduled duty ran", "duty", d.Name, "due", due, "late", now.Sub(due).Round(time.Second))
		return tx.SetLastRun(d.Name, due)
	})
	return did, err
}

// latestDue returns the last due time in (last, now], if any.
func latestDue(d Duty, last, now time.Time) (time.Time, bool) {
	var due time.Time
	found := false
	for i, t := 0, d.Next(last); !t.After(now) && i < maxCatchUp; i, t = i+1, d.Next(t) {
		if !t.After(last) {
			break // a Next that does not move forward
		}
		due, found = t, true
	}
	return due, found
}

// wakes returns the wake-up channel, made once: Wake may come before Run.
func (s *Scheduler) wakes() chan struct{} {
	s.wakeOnce.Do(func() { s.wake = make(chan struct{}, 1) })
	return s.wake
}

// Wake makes a running scheduler pass at once rather than at its next
// poll, as when this replica has just become the leader.
func (s *Scheduler) Wake() {
	select {
	case s.wakes() <- struct{}{}:
	default:
	}
}

// Run calls RunDue every poll, at each duty's next due time when that
// comes sooner, and on Wake, until ctx ends.
func (s *Scheduler) Run(ctx context.Context, poll time.Duration) error {
	wake := s.wakes()
	t := time.NewTimer(poll)
	defer t.Stop()
	for {
		s.RunDue(ctx)
		t.Reset(s.nextWait(s.Now(), poll))
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-wake:
		}
	}
}

// dueMargin is how long after a due time Run passes, so that a clock read
// a hair early still finds the duty due.
const dueMargin = 10 * time.Millisecond

// nextWait is how long Run sleeps after a pass at now: until the earliest
// duty's next due time, or poll if that is sooner. Without it a handoff
// waits for the next poll, up to poll late; a new leader that took over
// just before a due time would post it that late too.
func (s *Scheduler) nextWait(now time.Time, poll time.Duration) time.Duration {
	wait := poll
	for _, d := range s.Duties {
		next := d.Next(now)
		if !next.After(now) {
			continue // a Next that does not move forward
		}
		wait = min(wait, next.Sub(now)+dueMargin)
	}
	return wait
}
