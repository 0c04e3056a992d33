package learn_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// TestHistoryLabelsWhatEachActionSays runs each on-call action through the
// service on a real store and reads the history back: a defer of an
// interrupt says P3, a decline P4, an approval confirms the rules, and an
// urgency set by hand wins over what an action says.
func TestHistoryLabelsWhatEachActionSays(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules, err := classifier.Compile([]classifier.Rule{
		{Name: "deploy-stuck", Any: []string{"deploy"}, Urgency: classifier.P2, Category: "deploy", Estimate: 1},
		{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other", Estimate: 1},
	}, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	// No budget: every request waits for the lead.
	team := &triage.Team{Name: "platform", Members: []string{"UA"}, Leads: []string{"UL"}, Location: time.UTC, Rules: rules,
		DefaultEstimate: 1, NoLearnedEstimates: true, Policy: triage.Policy{P3: triage.ActApproval},
		Rotation: oncall.Rotation{Team: "platform", Members: []string{"UA"}, ShiftDays: 7, Location: time.UTC, Start: start},
		Hours:    oncall.BusinessHours{Location: time.UTC},
		Calendar: sprint.Calendar{Start: start, LengthDays: 14, Location: time.UTC},
		Budget:   sprint.Budget{Capacity: 0, Fraction: 1, Unit: "hours"},
	}
	st := &triage.Settings{Teams: []*triage.Team{team}}
	at := time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)
	svc := triage.NewService(db, st, func() time.Time { return at })
	svc.Silent = true
	ctx := context.Background()

	tests := []struct {
		summary    string
		steps      []triage.Change
		urgency    classifier.Urgency
		action     string
		inferred   bool
		overridden bool
	}{
		{"deploy stuck on step 3", []triage.Change{{Actor: "UA", Action: triage.ActDeferReq}},
			classifier.P3, triage.ActDeferReq, true, true},
		{"deploy stuck but it matters", []triage.Change{{Actor: "UA", Action: triage.ActUrgency, Urgency: classifier.P1}, {Actor: "UA", Action: triage.ActDeferReq}},
			classifier.P1, triage.ActDeferReq, false, true},
		{"the printer jams", []triage.Change{{Actor: "UA", Action: triage.ActDeferReq}},
			classifier.P3, triage.ActDeferReq, false, false},
		{"deploy of my side project", []triage.Change{{Actor: "UL", Action: triage.ActDecline}},
			classifier.P4, triage.ActDecline, true, true},
		{"deploy declined by mistake", []triage.Change{{Actor: "UL", Action: triage.ActDecline}, {Actor: "UA", Action: triage.ActReopen}, {Actor: "UA", Action: triage.ActResolve}},
			classifier.P2, "", false, false},
		{"deploy blocks the release", []triage.Change{{Actor: "UL", Action: triage.ActApprove}, {Actor: "UA", Action: triage.ActResolve, Actual: 2, HasActual: true}},
			classifier.P2, triage.ActApprove, false, false},
	}
	ids := map[int64]int{}
	for i, tc := range tests {
		at = at.Add(time.Minute)
		res, err := svc.Intake(ctx, triage.NewRequest{Team: "platform", User: "UREQ", Summary: tc.summary})
		if err != nil {
			t.Fatal(err)
		}
		ids[res.Request.ID] = i
		for _, c := range tc.steps {
			at = at.Add(time.Minute)
			if _, _, err := svc.Apply(ctx, res.Request.ID, c); err != nil {
				t.Fatalf("%s: %s: %v", tc.summary, c.Action, err)
			}
		}
	}
	var hist []learn.Example
	reqs := map[int64]*triage.Request{}
	if err := db.View(func(tx triage.Tx) error {
		if hist, err = learn.History(tx, st, "platform"); err != nil {
			return err
		}
		for id := range ids {
			if reqs[id], err = tx.Request(id); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(hist) != len(tests) {
		t.Fatalf("history has %d examples, want %d", len(hist), len(tests))
	}
	for _, e := range hist {
		tc := tests[ids[e.RequestID]]
		t.Run(tc.summary, func(t *testing.T) {
			if e.Urgency != tc.urgency || e.Action != tc.action || e.Inferred != tc.inferred || e.Overridden != tc.overridden {
				t.Errorf("label %s, action %q, inferred %v, overridden %v; want %s, %q, %v, %v",
					e.Urgency, e.Action, e.Inferred, e.Overridden, tc.urgency, tc.action, tc.inferred, tc.overridden)
			}
			// The weekly report counts overrides with this.
			if _, got := learn.Blamed(reqs[e.RequestID]); got != tc.overridden {
				t.Errorf("Overridden says %v; want %v, as History does", got, tc.overridden)
			}
		})
	}
}
