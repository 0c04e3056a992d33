package bot

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeYieldClock is a clock whose sleeps move it, then run onSleep
// (acknowledgements that arrive as the sleep ends).
type fakeYieldClock struct {
	t       time.Duration
	slept   []time.Duration
	onSleep func()
}

func (c *fakeYieldClock) now() time.Duration { return c.t }

func (c *fakeYieldClock) sleep(_ context.Context, d time.Duration) {
	c.slept = append(c.slept, d)
	c.t += d
	if c.onSleep != nil {
		c.onSleep()
	}
}

func (c *fakeYieldClock) total() time.Duration {
	var sum time.Duration
	for _, d := range c.slept {
		sum += d
	}
	return sum
}

// backUp starts ackBacklog acknowledgements and ends them again, as a
// wave of a burst does once its journal batch is on disk.
func backUp(b *Bot) {
	for range ackBacklog {
		b.acking()
	}
	for range ackBacklog {
		b.acked()
	}
}

func TestYieldWhileAcksBackUp(t *testing.T) {
	t.Run("never backed up: at once", func(t *testing.T) {
		c := &fakeYieldClock{t: time.Second}
		b := &Bot{clock: c}
		for range ackBacklog - 1 {
			b.acking()
		}
		b.Yield(context.Background())
		if len(c.slept) != 0 {
			t.Errorf("slept %v with %d acknowledgements under way, want no wait", c.slept, ackBacklog-1)
		}
	})
	t.Run("a lull after the last wave: at once", func(t *testing.T) {
		c := &fakeYieldClock{t: time.Second}
		b := &Bot{clock: c}
		backUp(b)
		c.t += ackLull
		b.Yield(context.Background())
		if len(c.slept) != 0 {
			t.Errorf("slept %v after a lull of %v, want no wait", c.slept, ackLull)
		}
	})
	t.Run("the count dropped, but the burst goes on: wait for the lull", func(t *testing.T) {
		c := &fakeYieldClock{t: time.Second}
		b := &Bot{clock: c}
		backUp(b)
		if n := b.acks.Load(); n != 0 {
			t.Fatalf("%d acknowledgements under way, want 0", n)
		}
		c.t += ackLull / 4
		b.Yield(context.Background())
		if got, want := c.total(), ackLull*3/4; got != want {
			t.Errorf("waited %v, want %v (until %v after the last backed-up acknowledgement)", got, want, ackLull)
		}
	})
	t.Run("a wave still waiting for its fdatasync past the lull: wait", func(t *testing.T) {
		c := &fakeYieldClock{t: time.Second}
		b := &Bot{clock: c}
		for range ackBacklog {
			b.acking()
		}
		c.t += 2 * ackLull
		c.onSleep = func() {
			if b.acks.Load() > 0 {
				for range ackBacklog {
					b.acked()
				}
			}
		}
		b.Yield(context.Background())
		// The wave is back as the first sleep ends; the lull runs from
		// when Yield last saw it under way.
		if got, want := c.total(), ackLull; got != want {
			t.Errorf("waited %v (%v), want %v", got, c.slept, want)
		}
	})
	t.Run("wave after wave: until the burst ebbs", func(t *testing.T) {
		c := &fakeYieldClock{t: time.Second}
		b := &Bot{clock: c}
		waves := 3
		c.onSleep = func() {
			if waves > 0 {
				waves--
				backUp(b)
			}
		}
		backUp(b)
		b.Yield(context.Background())
		// Each wave comes as a sleep of ackLull ends, so the lull ends
		// ackLull after the last of the three.
		if got, want := c.total(), 4*ackLull; got != want {
			t.Errorf("waited %v (%v), want %v", got, c.slept, want)
		}
	})
	t.Run("a flood that never ebbs: at most maxYield", func(t *testing.T) {
		c := &fakeYieldClock{t: time.Second}
		b := &Bot{clock: c}
		c.onSleep = func() { backUp(b) }
		backUp(b)
		b.Yield(context.Background())
		if got := c.total(); got != maxYield {
			t.Errorf("waited %v, want maxYield (%v)", got, maxYield)
		}
	})
	t.Run("until the processors stop", func(t *testing.T) {
		c := &fakeYieldClock{t: time.Second}
		b := &Bot{clock: c}
		ctx, cancel := context.WithCancel(context.Background())
		c.onSleep = func() { cancel(); backUp(b) }
		backUp(b)
		b.Yield(ctx)
		if len(c.slept) != 1 {
			t.Errorf("slept %v, want once, then return as ctx ended", c.slept)
		}
	})
	t.Run("the real clock: all at once, after the lull", func(t *testing.T) {
		b := &Bot{}
		start := time.Now()
		backUp(b)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				b.Yield(context.Background())
				if took := time.Since(start); took < ackLull {
					t.Errorf("returned %v after the acknowledgements backed up, want a lull of %v first", took, ackLull)
				}
			})
		}
		wg.Wait()
		b.lullMu.Lock()
		defer b.lullMu.Unlock()
		if b.lull != nil {
			t.Error("the lull's channel is left after it ended")
		}
	})
	t.Run("the real clock: a flood that never ebbs, until ctx ends", func(t *testing.T) {
		b := &Bot{}
		for range ackBacklog {
			b.acking()
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			b.Yield(ctx)
			close(done)
		}()
		// Yield cannot return before cancel: the count stays up and
		// maxYield is far off.
		select {
		case <-done:
			t.Fatal("Yield returned while acknowledgements were under way")
		case <-time.After(3 * ackLull):
		}
		cancel()
		<-done
		for range ackBacklog {
			b.acked()
		}
	})
	t.Run("the real clock", func(t *testing.T) {
		b := &Bot{}
		start := time.Now()
		backUp(b)
		b.Yield(context.Background())
		if took := time.Since(start); took < ackLull {
			t.Errorf("returned %v after the acknowledgements backed up, want a lull of %v first", took, ackLull)
		}
	})
}
