package bot

import (
	"context"
	"time"
)

// Processing steps aside while acknowledgements back up. On a small
// machine the processors' CPU (decoding, classifying, their transactions)
// and the outbox's (the similar-request lookup, Slack calls) is what an
// acknowledgement waits for during a burst, and Slack retries an event it
// has not had an answer for within 3 seconds; a request may be made a
// little later instead, since the event is stored already. Slack's own
// limit on events (30,000 an hour for an app in a workspace) means such a
// burst is short, so what it defers is soon done.
const (
	// ackBacklog is how many acknowledgements may be under way at once
	// before processing waits.
	ackBacklog = 4
	// ackLull is how long no acknowledgement may have found ackBacklog
	// under way before processing goes on. The count alone is not enough:
	// a burst's acknowledgements wait for their journal batch together
	// and return together, so the count drops to nothing between two
	// waves, and processing that went on at every such dip took the CPU
	// the next wave needed.
	ackLull = 10 * time.Millisecond
	// maxYield bounds the wait for one delivery or job, so that a flood
	// that never ebbs still gets its requests made, only more slowly.
	maxYield = time.Second
)

// yieldBase is where the monotonic time that Yield reads starts.
var yieldBase = time.Now()

// acking counts an acknowledgement under way until acked is called, and
// notes when acknowledgements back up. They are a pair of methods rather
// than a function returning its undo, whose closure was an allocation per
// acknowledgement. Both are safe for concurrent use.
func (b *Bot) acking() {
	if b.acks.Add(1) >= ackBacklog {
		// 0 means never, so the first nanosecond is not a time.
		b.backedUp.Store(max(1, int64(b.yieldNow())))
	}
}

// acked ends an acknowledgement that acking counted.
func (b *Bot) acked() { b.acks.Add(-1) }

func (b *Bot) yieldNow() time.Duration {
	if b.clock != nil {
		return b.clock.now()
	}
	return time.Since(yieldBase)
}

// yieldTimer replaces the monotonic clock and the waits of Yield in
// tests: with one, Yield sleeps on it instead of waiting for waitLull.
type yieldTimer interface {
	now() time.Duration
	sleep(ctx context.Context, d time.Duration)
}

// Yield waits while acknowledgements back up: until fewer than ackBacklog
// are under way and none has found ackBacklog under way for ackLull, at
// most maxYield, or until ctx ends. The count matters as well as the
// lull: in a burst every sender's acknowledgement can be waiting for the
// same slow fdatasync, so none arrives to find the others under way, and
// processing that went on then had the CPU when they all came back. The
// processors call Yield before each delivery, and serve gives it to the
// outbox worker (triage.Worker.Yield), which calls it before each job. It
// is safe for concurrent use.
func (b *Bot) Yield(ctx context.Context) {
	start := b.yieldNow()
	for ctx.Err() == nil {
		now := b.yieldNow()
		wait := b.lullLeft(now)
		left := start + maxYield - now
		if wait <= 0 || left <= 0 {
			return
		}
		if b.clock != nil {
			b.clock.sleep(ctx, min(wait, left))
			continue
		}
		b.waitLull(ctx, left)
	}
}

// lullLeft is how long after now processing must still wait; 0 or less
// when it may go on.
func (b *Bot) lullLeft(now time.Duration) time.Duration {
	if b.acks.Load() >= ackBacklog {
		b.backedUp.Store(max(1, int64(now)))
	}
	last := b.backedUp.Load()
	if last == 0 {
		return 0
	}
	return time.Duration(last) + ackLull - now
}

// waitLull waits until the acknowledgements' lull ends, for at most d, or
// until ctx ends. Every processor and outbox worker may be waiting at
// once (hundreds), so they do not each poll the lull: one goroutine does,
// and closes a channel they all wait on. Each polling on its own woke
// every few milliseconds, and in a burst that was about a tenth of
// serve's CPU, taken from the acknowledgements.
func (b *Bot) waitLull(ctx context.Context, d time.Duration) {
	b.lullMu.Lock()
	lull := b.lull
	if lull == nil {
		lull = make(chan struct{})
		b.lull = lull
		go b.watchLull(lull)
	}
	b.lullMu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-lull:
	case <-t.C:
	case <-ctx.Done():
	}
}

// watchLull closes lull once the acknowledgements' lull has ended. It
// sleeps until the lull would end, and looks again.
func (b *Bot) watchLull(lull chan struct{}) {
	for {
		wait := b.lullLeft(b.yieldNow())
		if wait <= 0 {
			b.lullMu.Lock()
			b.lull = nil
			b.lullMu.Unlock()
			close(lull)
			return
		}
		time.Sleep(wait)
	}
}
