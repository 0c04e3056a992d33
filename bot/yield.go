package bot

import (
	"context"
	"time"
)

// Processing steps aside while acknowledgements back up. On a small
// machine the processors' CPU (decoding, classifying, their transactions)
// is what an acknowledgement waits for during a burst, and Slack retries
// an event it has not had an answer for within 3 seconds; a request may
// be made a little later instead, since the event is stored already.
const (
	// ackBacklog is how many acknowledgements may be under way at once
	// before the processors wait.
	ackBacklog = 4
	// maxYield bounds the wait for one delivery, so that a flood that
	// never ebbs still gets its requests made, only more slowly.
	maxYield = time.Second
	// yieldPoll is how often a waiting processor looks again.
	yieldPoll = 2 * time.Millisecond
)

// acking counts an acknowledgement under way until the returned function
// is called. It is safe for concurrent use.
func (b *Bot) acking() (done func()) {
	b.acks.Add(1)
	return func() { b.acks.Add(-1) }
}

// yield waits, at most maxYield, while ackBacklog or more
// acknowledgements are under way, or until ctx ends.
func (b *Bot) yield(ctx context.Context) {
	if b.acks.Load() < ackBacklog {
		return
	}
	deadline := time.Now().Add(maxYield)
	t := time.NewTimer(yieldPoll)
	defer t.Stop()
	for b.acks.Load() >= ackBacklog && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			t.Reset(yieldPoll)
		}
	}
}
