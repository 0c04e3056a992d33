package triage_test

import (
	"context"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// withAnswer gives the fixture's team a first rule that answers VPN resets.
func withAnswer(t *testing.T, f *fixture) {
	t.Helper()
	rules := append([]classifier.Rule{{Name: "vpn-reset", Any: []string{"reset my vpn"}, Urgency: classifier.P3,
		Category: "access", Estimate: 1, Answer: "https://wiki.example.com/vpn-reset"}}, f.team.Rules.Rules()...)
	set, err := classifier.Compile(rules, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.team.Rules = set
}

func jobKinds(js []*triage.Job) map[string]int {
	m := map[string]int{}
	for _, j := range js {
		m[j.Kind]++
	}
	return m
}

func TestARuleAnswerIsOfferedBeforeAnyoneOnCallSeesIt(t *testing.T) {
	f := newFixture(t)
	withAnswer(t, f)
	ctx := context.Background()
	r := f.intake(t, triage.NewRequest{Summary: "please reset my VPN"}).Request
	if r.Status != triage.StatusOffered || r.Deflection != triage.DeflectOffered || r.Assignee != "" || r.Charged() {
		t.Fatalf("status %s deflection %q assignee %q charged %v, want an offer only", r.Status, r.Deflection, r.Assignee, r.Charged())
	}
	if k := jobKinds(f.jobs(t)); k[triage.JobCreateTicket] != 0 || k[triage.JobNotify] != 1 {
		t.Fatalf("jobs %v, want one notice and no ticket", k)
	}
	if _, _, err := f.svc.Apply(ctx, r.ID, triage.Change{Actor: "USTRANGER", Action: triage.ActSolved}); triage.ErrorCode(err) != triage.EFORBIDDEN {
		t.Errorf("a stranger answered the offer: err %v", err)
	}
	for range 2 {
		if _, _, err := f.svc.Apply(ctx, r.ID, triage.Change{Actor: "UPAY", Action: triage.ActSolved}); err != nil {
			t.Fatal(err)
		}
	}
	got := f.request(t, r.ID)
	if got.Status != triage.StatusResolved || got.Deflection != triage.DeflectSolved {
		t.Errorf("after solved: status %s deflection %q", got.Status, got.Deflection)
	}
	// Solving it after the fact does not reopen the offer.
	if _, changed, _ := f.svc.Apply(ctx, r.ID, triage.Change{Actor: "UPAY", Action: triage.ActNeedHelp}); changed {
		t.Errorf("need help changed a solved request")
	}
	if k := jobKinds(f.jobs(t)); k[triage.JobCreateTicket] != 0 {
		t.Errorf("jobs %v after solved, want no ticket", k)
	}
}

func TestStillNeedingHelpRoutesTheRequest(t *testing.T) {
	f := newFixture(t)
	withAnswer(t, f)
	r := f.intake(t, triage.NewRequest{Summary: "please reset my VPN"}).Request
	got, changed, err := f.svc.Apply(context.Background(), r.ID, triage.Change{Actor: "UPAY", Action: triage.ActNeedHelp})
	if err != nil || !changed {
		t.Fatalf("need help: changed %v err %v", changed, err)
	}
	if got.Status != triage.StatusOpen || got.Outcome != triage.Accepted || got.Assignee != "UA" || got.Deflection != triage.DeflectNeedHelp {
		t.Errorf("status %s outcome %s assignee %q deflection %q, want open, accepted, UA", got.Status, got.Outcome, got.Assignee, got.Deflection)
	}
	if k := jobKinds(f.jobs(t)); k[triage.JobCreateTicket] != 1 {
		t.Errorf("jobs %v, want the ticket queued", k)
	}
}

func TestAnEmergencyIsNeverHeldBackByAnAnswer(t *testing.T) {
	f := newFixture(t)
	withAnswer(t, f)
	r := f.intake(t, triage.NewRequest{Summary: "please reset my VPN", Claimed: classifier.P1}).Request
	if r.Status == triage.StatusOffered || r.Deflection != "" {
		t.Errorf("status %s deflection %q, want it routed", r.Status, r.Deflection)
	}
}
