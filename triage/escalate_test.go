package triage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

func TestEscalateOncePastTheAckSLA(t *testing.T) {
	f := newFixture(t)
	f.team.EscalateTo = "ULEAD"
	// "outage" has sla.ack 15m; the access request has none.
	p1 := f.intake(t, triage.NewRequest{Summary: "payments api is down"}).Request
	f.intake(t, triage.NewRequest{Summary: "need access to grafana", User: "U2"})
	ctx := context.Background()
	f.clock.add(14 * time.Minute)
	if n, err := f.svc.Escalate(ctx); err != nil || n != 0 {
		t.Fatalf("at 14m: escalated %d, %v; want none", n, err)
	}
	f.clock.add(time.Minute)
	if n, err := f.svc.Escalate(ctx); err != nil || n != 1 {
		t.Fatalf("at 15m: escalated %d, %v; want the P1", n, err)
	}
	if n, _ := f.svc.Escalate(ctx); n != 0 {
		t.Fatalf("a second pass escalated %d again", n)
	}
	r := f.request(t, p1.ID)
	if r.EscalatedAt.IsZero() {
		t.Fatal("EscalatedAt not set")
	}
	var notices int
	for _, j := range f.jobs(t) {
		if j.Kind == triage.JobNotify && j.RequestID == p1.ID && strings.Contains(string(j.Payload), `"kind":"escalated"`) {
			notices++
		}
	}
	if notices != 1 {
		t.Fatalf("%d escalation notices queued, want 1", notices)
	}
	// An acknowledged request is never escalated.
	p1b := f.intake(t, triage.NewRequest{Summary: "checkout is down", User: "U3"}).Request
	if _, _, err := f.svc.Apply(ctx, p1b.ID, triage.Change{Actor: "UA", Action: triage.ActAcknowledge}); err != nil {
		t.Fatal(err)
	}
	f.clock.add(time.Hour)
	if n, _ := f.svc.Escalate(ctx); n != 0 {
		t.Fatalf("escalated %d acknowledged requests", n)
	}
}

// raceStore is a store whose View runs then before returning: what another
// goroutine or replica does between Escalate's scan and its Update.
type raceStore struct {
	triage.Store
	then func()
}

func (s *raceStore) View(fn func(triage.Tx) error) error {
	err := s.Store.View(fn)
	if s.then != nil {
		s.then()
		s.then = nil
	}
	return err
}

// TestEscalateChecksAgainAfterTheScan acknowledges a late request between
// Escalate's read-only scan and its Update: it must not be escalated.
func TestEscalateChecksAgainAfterTheScan(t *testing.T) {
	f := newFixture(t)
	f.team.EscalateTo = "ULEAD"
	p1 := f.intake(t, triage.NewRequest{Summary: "payments api is down"}).Request
	ctx := context.Background()
	rs := &raceStore{Store: f.db}
	svc := triage.NewService(rs, f.svc.Settings(), f.clock.now)
	f.clock.add(time.Hour)
	rs.then = func() {
		if _, _, err := f.svc.Apply(ctx, p1.ID, triage.Change{Actor: "UA", Action: triage.ActAcknowledge}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := svc.Escalate(ctx); err != nil || n != 0 {
		t.Fatalf("escalated %d, %v; want none: it was acknowledged after the scan", n, err)
	}
	if r := f.request(t, p1.ID); !r.EscalatedAt.IsZero() {
		t.Fatalf("request escalated at %v after its acknowledgement", r.EscalatedAt)
	}
}
