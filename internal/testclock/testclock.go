// Package testclock is a clock for tests: it moves only when told, and
// its Sleep moves it instead of waiting, so that tests of retries, rate
// limits and outages take no wall time.
package testclock

import (
	"context"
	"sync"
	"time"
)

// Clock is a settable clock. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock showing t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Sleep moves the clock by d instead of waiting.
func (c *Clock) Sleep(_ context.Context, d time.Duration) error {
	if d > 0 {
		c.Add(d)
	}
	return nil
}
