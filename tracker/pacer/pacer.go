// Package pacer keeps a tracker client within its service's rate limits:
// no call while a limit the service announced is in force, and writes
// spaced as the service asks, on a clock that tests can move.
package pacer

import (
	"context"
	"sync"
	"time"
)

// Gate holds calls back. Its methods are safe for concurrent use.
type Gate struct {
	// Now is the clock; Sleep waits d or until ctx ends (tests pass one
	// that moves their clock). Every is the least spacing of writes.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	Every time.Duration

	mu      sync.Mutex
	blocked time.Time // no call before this
	next    time.Time // the earliest slot for the next write
}

// Wait returns how long a limit still holds calls back (and makes no
// wait then: the caller retries later), or waits for a write's slot.
func (g *Gate) Wait(ctx context.Context, write bool) (blocked time.Duration, err error) {
	now := g.Now()
	g.mu.Lock()
	if now.Before(g.blocked) {
		d := g.blocked.Sub(now)
		g.mu.Unlock()
		return d, nil
	}
	var wait time.Duration
	if write {
		slot := now
		if g.next.After(slot) {
			slot = g.next
		}
		g.next = slot.Add(g.Every)
		wait = slot.Sub(now)
	}
	g.mu.Unlock()
	if wait <= 0 {
		return 0, nil
	}
	return 0, g.Sleep(ctx, wait)
}

// Block stops calls until until, unless a later block holds already.
func (g *Gate) Block(until time.Time) {
	g.mu.Lock()
	if until.After(g.blocked) {
		g.blocked = until
	}
	g.mu.Unlock()
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
