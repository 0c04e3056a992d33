package triage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// TestIntakeUnlessClaimed: a withdrawal (its message deleted) that commits
// before the request's intake wins, in the intake's own transaction, and
// nothing is made; without the claim the same request is made.
func TestIntakeUnlessClaimed(t *testing.T) {
	f := newFixture(t)
	const key = "withdrawn:C0HELP:1763395200.000100"
	in := triage.NewRequest{Channel: "C0HELP", ChannelName: "platform-help", User: "UPAY", TS: "1763395200.000100",
		Summary: "please add me to the grafana admins", UnlessClaimed: key, EventKey: "deadline:1"}
	now := f.clock.now()
	if err := f.db.Update(func(tx triage.Tx) error {
		_, _, err := tx.Claim(key, "", now, now.Add(time.Hour))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Intake(context.Background(), in); !errors.Is(err, triage.ErrWithdrawn) {
		t.Fatalf("Intake with the withdrawal held: %v, want ErrWithdrawn", err)
	}
	if err := f.db.View(func(tx triage.Tx) error {
		_, err := tx.RequestByMessage(in.Channel, in.TS)
		if !errors.Is(err, triage.ErrNotFound) {
			t.Errorf("a withdrawn request was made (lookup: %v)", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if js := f.jobs(t); len(js) != 0 {
		t.Errorf("%d jobs queued for a withdrawn request, want none", len(js))
	}

	in.UnlessClaimed, in.TS, in.EventKey = "withdrawn:C0HELP:1763395200.000200", "1763395200.000200", "deadline:2"
	if res := f.intake(t, in); res.Request == nil || res.Request.ID == 0 {
		t.Fatalf("Intake without the withdrawal made no request: %+v", res)
	}
}
