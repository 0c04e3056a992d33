package triage_test

import (
	"context"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func TestEveryOnCallDecisionIsStoredOnceAsALabel(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.intake(t, triage.NewRequest{Summary: "deploy blocked on checkout"}).Request
	steps := []triage.Change{
		{Actor: "UA", Action: triage.ActAcknowledge},
		{Actor: "UA", Action: triage.ActUrgency, Urgency: classifier.P1},
		{Actor: "UA", Action: triage.ActCategory, Category: "incident"},
		{Actor: "sg:tracker", Action: triage.ActReassign, Assignee: "UC"},
		{Actor: "UA", Action: triage.ActResolve, Actual: 3, HasActual: true},
	}
	for _, c := range steps {
		f.clock.add(time.Minute)
		for range 2 { // a button clicked twice labels once
			if _, _, err := f.svc.Apply(ctx, r.ID, c); err != nil {
				t.Fatalf("%s: %v", c.Action, err)
			}
		}
	}
	var got []triage.Label
	if err := f.db.View(func(tx triage.Tx) error {
		return tx.Labels("platform", func(l triage.Label) error { got = append(got, l); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	want := []triage.Label{
		{Kind: triage.ActUrgency, From: "P2", To: "P1"},
		{Kind: triage.ActCategory, From: "deploy", To: "incident"},
		{Kind: triage.ActResolve, Actual: 3, HasActual: true},
	}
	if len(got) != len(want) {
		t.Fatalf("labels %+v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.Kind || g.From != w.From || g.To != w.To || g.Actual != w.Actual || g.HasActual != w.HasActual ||
			g.RequestID != r.ID || g.Rule != "deploy-blocked" || g.Actor != "UA" {
			t.Errorf("label %d = %+v, want %+v on request %d by UA, rule deploy-blocked", i, g, w, r.ID)
		}
	}
	if cat := f.request(t, r.ID).CategoryNow(); cat != "incident" {
		t.Errorf("category now %q, want incident", cat)
	}
}

func TestCategoryChangeNeedsAKnownCategory(t *testing.T) {
	f := newFixture(t)
	r := f.intake(t, triage.NewRequest{Summary: "deploy blocked on checkout"}).Request
	for _, c := range []string{"", "incidnet"} {
		_, _, err := f.svc.Apply(context.Background(), r.ID, triage.Change{Actor: "UA", Action: triage.ActCategory, Category: c})
		if triage.ErrorCode(err) != triage.EINVALID {
			t.Errorf("category %q: err = %v, want %s", c, err, triage.EINVALID)
		}
	}
	// A refused change leaves the category as it was.
	if got := f.request(t, r.ID).CategoryNow(); got != r.CategoryNow() {
		t.Errorf("category now %q, want %q", got, r.CategoryNow())
	}
}
