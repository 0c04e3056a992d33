package triage_test

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// TestIntakeTakesItsDeliveryOutOfTheInbox: a request made of a stored
// delivery takes the delivery out of the inbox in its own transaction,
// which leaves nothing for a Done of its own, and so does the delivery
// run again after a crash, which finds the request.
func TestIntakeTakesItsDeliveryOutOfTheInbox(t *testing.T) {
	f := newFixture(t)
	d := &triage.Delivery{Kind: "event", Key: "EvFin", Body: []byte(`{}`), Received: f.clock.now()}
	if _, err := f.db.Accept(d, time.Hour); err != nil {
		t.Fatal(err)
	}
	if p, err := f.db.Pending(10); err != nil || len(p) != 1 {
		t.Fatalf("pending before the intake: %d, %v; want the delivery", len(p), err)
	}
	in := triage.NewRequest{Summary: "the staging deploy is stuck", EventKey: d.Key, Delivery: d.Seq}
	res := f.intake(t, in)
	if !res.Finished {
		t.Fatal("Finished = false, want true")
	}
	if p, err := f.db.Pending(10); err != nil || len(p) != 0 {
		t.Fatalf("pending after the intake: %d, %v; want none", len(p), err)
	}
	again := f.intake(t, in)
	if !again.Repeat || again.Request.ID != res.Request.ID || !again.Finished {
		t.Errorf("the delivery again: repeat %v, request %d, finished %v; want a repeat of request %d, finished",
			again.Repeat, again.Request.ID, again.Finished, res.Request.ID)
	}
	// Without a delivery, nothing is finished.
	other := f.intake(t, triage.NewRequest{Summary: "how do i get access to the prod db", EventKey: "EvOther"})
	if other.Finished {
		t.Error("an intake without a delivery says it finished one")
	}
}
