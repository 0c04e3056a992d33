package main

import (
	"context"
	"fmt"
	"time"
)

// burstResult is the burst phase: exactly -burst-events events sent closed
// loop once the max phase's work is done, and the drain that followed, so
// that issue 14's drain target is measured for the burst it names (72,757
// events) whatever the max phase's size.
type burstResult struct {
	events int64    // the burst's size, as asked
	out    *outcome // its sending
	base   progress // serve's metrics just before it
	dr     drained  // serve's work on it
}

// burstPhase sends n events, first to first+n-1, and waits until serve has
// fully processed every one acknowledged, as the drain after the max phase
// does.
func burstPhase(ctx context.Context, env *benchEnv, s *sender, first, n int64, o options) (*burstResult, error) {
	base, err := scrape(ctx, "http://"+env.listen+"/metrics")
	if err != nil {
		return nil, err
	}
	b := &burstResult{events: n, base: base}
	// The senders' connections have been idle for the drain, about as long
	// as serve's IdleTimeout (60 s): a POST sent on one just as serve closes
	// it fails with EOF, and net/http does not retry a POST. Slack would
	// open new connections after such a lull, so the burst does too.
	s.client.CloseIdleConnections()
	b.out = burstLoop(ctx, s, first, n, o.senders)
	printPhase(fmt.Sprintf("burst (%d events, closed loop)", n), b.out)
	if env.serve.exited() {
		return b, fmt.Errorf("serve crashed during the burst: %v (see %s)", env.serve.err, env.logPath)
	}
	b.dr = env.drain(ctx, base, len(b.out.acked), o.stall, o.outbox)
	if b.dr.ok {
		fmt.Printf("%-40s all %d requests made %.2f s after the burst's last ack; done %.2f s after it%s\n",
			"burst's drain", len(b.out.acked), max(b.dr.made.Sub(b.out.lastAck), 0).Seconds(), b.drainTime().Seconds(), outboxNote(o.outbox))
	}
	return b, nil
}

// drainTime is from the burst's last acknowledgement until its work was
// done; 0 when the drain gave up or nothing was acknowledged.
func (b *burstResult) drainTime() time.Duration {
	if !b.dr.ok || b.out.lastAck.IsZero() {
		return 0
	}
	return max(b.dr.at.Sub(b.out.lastAck), 0)
}

// processed is the burst's requests made per second, from its first event
// sent until its work was done; 0 when the drain gave up.
func (b *burstResult) processed() float64 {
	if !b.dr.ok {
		return 0
	}
	return perSecond(int(b.dr.last.requests-b.base.requests), b.dr.at.Sub(b.out.start))
}

// complete reports whether the burst was measured as asked: every one of
// its events sent and acknowledged, and all of their work done.
func (b *burstResult) complete() bool {
	return b.dr.ok && int64(b.out.sent) == b.events && len(b.out.acked) == b.out.sent
}

// outboxNote says what "done" means in the drain lines.
func outboxNote(outbox bool) string {
	if outbox {
		return " (fully processed, the outbox's last Web API call included)"
	}
	return " (requests made; the outbox was not waited for, -outbox=false)"
}

// following returns the number of the first event after a phase that
// started at first: every number the phase took was sent, acknowledged
// or not, so a later phase starting below it would send an event again.
func following(first int64, phase *outcome) int64 { return first + int64(phase.sent) }

// withBurst adds the burst's acknowledged events to acked, the ts of the
// load phases' ones, for the exactly-once check, and returns the later of
// lastAck and the burst's last acknowledgement; without a burst it returns
// them as they are.
func withBurst(gen events, acked []string, lastAck time.Time, b *burstResult) ([]string, time.Time) {
	if b == nil {
		return acked, lastAck
	}
	return append(ackedTS(gen, b.out), acked...), later(lastAck, b.out.lastAck)
}
