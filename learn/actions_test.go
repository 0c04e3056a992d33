package learn

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

var actionRules = []classifier.Rule{
	{Name: "outage", Any: []string{"down"}, Urgency: classifier.P1, Category: "incident", Estimate: 4},
	{Name: "staging", Any: []string{"staging"}, Urgency: classifier.P2, Category: "deploy"},
	{Name: "license", Any: []string{"license"}, Urgency: classifier.P3, Category: "access", Estimate: 1},
	{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other"},
}

// acted is a request the team handled with action, labelled as History
// labels it.
func acted(text string, u classifier.Urgency, cat, action string, inferred bool) Example {
	return Example{ID: text, Input: classifier.Input{Summary: text}, Urgency: u, Category: cat,
		Action: action, Inferred: inferred, Overridden: inferred}
}

// actionHistory: the team deferred four of the staging rule's five
// interrupts and approved the fifth, declined four of the license rule's
// five requests, and kept every outage a P1.
func actionHistory(deferred string) []Example {
	var h []Example
	for i := range 4 {
		if deferred == "" {
			// Lowered by hand instead of deferred.
			e := labelled(fmt.Sprintf("staging deploy stuck %d", i), classifier.P3, "deploy")
			h = append(h, e)
		} else {
			h = append(h, acted(fmt.Sprintf("staging deploy stuck %d", i), classifier.P3, "deploy", deferred, true))
		}
		h = append(h, acted(fmt.Sprintf("license for my side tool %d", i), classifier.P4, "access", triage.ActDecline, true))
	}
	h = append(h, acted("staging blocks the release", classifier.P2, "deploy", triage.ActApprove, false))
	h = append(h, acted("license for the build farm", classifier.P3, "access", "", false))
	for i := range 5 {
		h = append(h, acted(fmt.Sprintf("site down %d", i), classifier.P1, "incident", "", false))
	}
	return h
}

func TestSuggestLearnsFromDefersApprovalsAndDeclines(t *testing.T) {
	tests := []struct {
		name                string
		deferred            string
		deferredN, loweredN int
		wantDescribe        string
	}{
		{"deferred", triage.ActDeferReq, 4, 0, "of its 5 interrupts, 4 were deferred, 0 declined and 0 lowered by hand; 1 stayed interrupts (1 approved): precision 20% on the interrupt line; make it P3"},
		{"lowered by hand", "", 0, 4, "of its 5 interrupts, 0 were deferred, 0 declined and 4 lowered by hand"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Suggest(actionRules, classifier.Options{}, actionHistory(tc.deferred), SuggestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := byKind(t, s.Edits)
			w, ok := got["waits staging"]
			if !ok {
				t.Fatalf("no waits edit for staging among %v", keys(got))
			}
			if w.Urgency != classifier.P3 || w.Category != "deploy" || w.Support != 4 || w.Against != 1 ||
				w.Fired != 5 || w.Correct != 1 || w.Deferred != tc.deferredN || w.Lowered != tc.loweredN || w.Approved != 1 {
				t.Errorf("waits edit %+v", w)
			}
			if !strings.Contains(w.Describe(), tc.wantDescribe) {
				t.Errorf("describe %q lacks %q", w.Describe(), tc.wantDescribe)
			}
			d, ok := got["declines license"]
			if !ok {
				t.Fatalf("no declines edit for license among %v", keys(got))
			}
			if d.Urgency != classifier.P4 || d.Support != 4 || d.Against != 1 || d.Fired != 5 || d.Declined != 4 ||
				!strings.Contains(d.Describe(), "4 of the 5 requests it decided were declined") {
				t.Errorf("declines edit %+v: %s", d, d.Describe())
			}
			for _, e := range []Edit{w, d} {
				if !e.After.Better(e.Before) || e.After.Urgency-e.Before.Urgency != 3 {
					t.Errorf("%s %s: %v -> %v, want 3 more urgencies right (4 fixed, 1 broken)", e.Kind, e.Rule, e.Before, e.After)
				}
			}
			if _, ok := got["retarget outage"]; ok {
				t.Errorf("the outage rule, kept every time, was retargeted")
			}
			if s.Edited.Urgency != s.Edited.N-2 {
				t.Errorf("with every edit %v, want all but the approved and the kept license right", s.Edited)
			}
		})
	}
}

func TestSuggestKeepsRulesTheTeamApproves(t *testing.T) {
	var h []Example
	for i := range 6 {
		action := triage.ActApprove
		if i < 2 {
			action = triage.ActDeferReq // deferred, and two is too few to say it waits
		}
		u := classifier.P2
		if action == triage.ActDeferReq {
			u = classifier.P3
		}
		h = append(h, acted(fmt.Sprintf("staging broken %d", i), u, "deploy", action, action == triage.ActDeferReq))
	}
	s, err := Suggest(actionRules, classifier.Options{}, h, SuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Edits {
		if e.Rule == "staging" {
			t.Errorf("edit %s", e.Describe())
		}
	}
}

func TestSuggestProposesEstimatesFromTimeSpent(t *testing.T) {
	timed := func(text string, u classifier.Urgency, cat string, spent float64) Example {
		e := acted(text, u, cat, "", false)
		e.Actual, e.HasActual = spent, true
		return e
	}
	var h []Example
	// The outage rule says 4 hours; its outages took 1 or so, one took 8.
	for i, spent := range []float64{1, 1, 1.5, 0.5, 8} {
		h = append(h, timed(fmt.Sprintf("site down %d", i), classifier.P1, "incident", spent))
	}
	// The fallback sets none; the default 2 is near enough.
	for i, spent := range []float64{2, 2.5, 1.5} {
		h = append(h, timed(fmt.Sprintf("printer %d", i), classifier.P3, "other", spent))
	}
	// The license rule is far off, on too few requests to say.
	for i, spent := range []float64{6, 7} {
		h = append(h, timed(fmt.Sprintf("license %d", i), classifier.P3, "access", spent))
	}
	s, err := Suggest(actionRules, classifier.Options{}, h, SuggestOptions{DefaultEstimate: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Edits) != 1 {
		for _, e := range s.Edits {
			t.Log(e.Describe())
		}
		t.Fatalf("%d edits, want the outage estimate only", len(s.Edits))
	}
	e := s.Edits[0]
	t.Log(e.Describe(), e.Before, "->", e.After)
	if e.Kind != Reestimate || e.Rule != "outage" || e.Estimate != 1 || e.OldEstimate != 4 || e.Timed != 5 || e.Support != 4 || e.Against != 1 {
		t.Errorf("edit %+v", e)
	}
	// Before: |4-1|+|4-1|+|4-1.5|+|4-0.5|+|4-8| = 16; after: 0+0+0.5+0.5+7 = 8.
	if e.Before.EstimateOff-e.After.EstimateOff != 8 || e.Before.Urgency != e.After.Urgency || !e.After.Better(e.Before) {
		t.Errorf("before %v, after %v: want the estimate 8 hours nearer and nothing else changed", e.Before, e.After)
	}
	if !strings.Contains(e.Before.String(), "estimate off by") {
		t.Errorf("score %q does not say how far the estimates were off", e.Before)
	}
	if s.Rules[0].Estimate != 1 || s.Edited.EstimateOff != s.Now.EstimateOff-8 {
		t.Errorf("edited rules %+v, estimates off %v then %v", s.Rules[0], s.Now.EstimateOff, s.Edited.EstimateOff)
	}
}

// Suggest decides again only the items its edits touched; the score with
// every edit made must still be what Evaluate gives on the edited rules.
func TestSuggestAfterIsEvaluate(t *testing.T) {
	for name, h := range map[string][]Example{"overrides": history(), "actions": actionHistory(triage.ActDeferReq)} {
		t.Run(name, func(t *testing.T) {
			s, err := Suggest(actionRules, classifier.Options{}, h, SuggestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Edits) < 2 {
				t.Fatalf("%d edits, want some to check", len(s.Edits))
			}
			set, err := classifier.Compile(s.Rules, classifier.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := Evaluate(set, h); !reflect.DeepEqual(s.After, want) {
				t.Errorf("after %+v\nwant  %+v", s.After, want)
			}
		})
	}
}
