package bot

import (
	"context"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// An event's id is claimed once: by its acceptance, empty, then filled by
// the intake with the request it made. Every dedupe still holds: a Slack
// retry after either step is dropped, and the delivery run again (as after
// a crash before its Done) makes no second request.
func TestEventIDIsClaimedOnce(t *testing.T) {
	ctx := context.Background()
	bt, calls := newIdleBot(t, true)
	ev := signedEvents(1)[0]
	const id = "EvB0000000000"
	claims := func() (delivery, event string, eventOK bool) {
		bt.db.View(func(tx triage.Tx) error {
			var ok bool
			if delivery, ok, _ = tx.Claimed("delivery:"+id, idleBotNow); !ok {
				delivery = "(none)"
			}
			event, eventOK, _ = tx.Claimed(triage.EventClaim(id), idleBotNow)
			return nil
		})
		return
	}
	requests := func() (n int) {
		bt.db.View(func(tx triage.Tx) error {
			return tx.Requests("", time.Time{}, idleBotNow.Add(time.Hour), func(*triage.Request) error { n++; return nil })
		})
		return n
	}
	receive := func() {
		t.Helper()
		if _, err := bt.Receive(ctx, KindEvent, ev.body); err != nil {
			t.Fatal(err)
		}
	}

	receive()
	// The bbolt store keeps the claim in its journal until its inbox
	// takes the delivery in; intake reads none as it reads an empty one.
	if d, e, ok := claims(); d != "(none)" || e != "" {
		t.Fatalf("after the ack: delivery claim %q, event claim %q (live %v); want none and an empty one or none", d, e, ok)
	}
	d := <-bt.queue
	receive() // Slack's retry before processing
	bt.handle(ctx, d)
	if d, e, ok := claims(); d != "(none)" || !ok || e != "1" {
		t.Fatalf("after the intake: delivery claim %q, event claim %q (live %v); want none and request 1", d, e, ok)
	}
	receive() // Slack's retry after it
	bt.handle(ctx, d)
	if n := requests(); n != 1 || len(bt.queue) != 0 {
		t.Errorf("%d requests, %d deliveries queued; want 1 and none", n, len(bt.queue))
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d Web API calls", n)
	}
}
