package classifier

import (
	"encoding/json"
	"testing"
	"time"
)

func TestUrgencyBounds(t *testing.T) {
	p1 := SLA{Ack: 15 * time.Minute, Resolve: 4 * time.Hour}
	p2 := SLA{Ack: time.Hour, Resolve: 24 * time.Hour}
	p3 := SLA{Ack: 4 * time.Hour, Resolve: 120 * time.Hour}
	s := mustCompile(t, []Rule{
		{Name: "blocks-others", Any: []string{"blocking"}, Continue: true, UrgencyAtLeast: P2, SLA: p2},
		{Name: "whole-company", Any: []string{"everyone"}, Continue: true, UrgencyAtLeast: P1},
		{Name: "just-asking", Any: []string{"question"}, Continue: true, UrgencyAtMost: P3},
		{Name: "wishlist", Any: []string{"someday"}, Continue: true, UrgencyAtMost: P4},
		{Name: "outage", Any: []string{"down"}, Urgency: P1, Category: "incident", SLA: p1},
		{Name: "how-do-i", Any: []string{"how"}, Urgency: P3, Category: "question", SLA: p3},
		// After the deciding rules: like every continue rule, it counts
		// only when it matches before the rule that decides.
		{Name: "late-floor", Any: []string{"late"}, Continue: true, UrgencyAtLeast: P1},
		{Name: "default", Default: true, Urgency: P3},
	}, Options{})
	tests := []struct {
		name, text string
		urgency    Urgency
		rule, by   string
		explain    string
		sla        SLA
	}{
		{"a floor raises", "how do I fix this, it is blocking us", P2, "how-do-i", "blocks-others",
			"P2 because rule `how-do-i` matched 'how', raised from P3 by rule `blocks-others`", p2},
		{"a cap lowers", "is the wiki down? just a question", P3, "outage", "just-asking",
			"P3 because rule `outage` matched 'down', lowered from P1 by rule `just-asking`", p1}, // just-asking has no SLA
		{"no bound matches", "the wiki is down", P1, "outage", "", "P1 because rule `outage` matched 'down'", p1},
		{"a bound already met names nobody", "how is this done? a question", P3, "how-do-i", "",
			"P3 because rule `how-do-i` matched 'how'", p3},
		{"the tightest floor counts", "how do we proceed, this is blocking everyone", P1, "how-do-i", "whole-company",
			"P1 because rule `how-do-i` matched 'how', raised from P3 by rule `whole-company`", p3},
		{"the tightest cap counts", "a question for someday: how", P4, "how-do-i", "wishlist",
			"P4 because rule `how-do-i` matched 'how', lowered from P3 by rule `wishlist`", p3},
		{"a floor beats a cap it contradicts", "question: how do I get past this, it is blocking", P2, "how-do-i", "blocks-others",
			"P2 because rule `how-do-i` matched 'how', raised from P3 by rule `blocks-others`", p2},
		{"a contradicted cap does not lower", "question: the CI is down and blocking", P1, "outage", "",
			"P1 because rule `outage` matched 'down'", p1},
		{"the default is bounded too", "this is blocking", P2, "default", "blocks-others",
			"P2 because no rule matched (default rule `default`), raised from P3 by rule `blocks-others`", p2},
		{"a bound after the deciding rule does not count", "how, we are late", P3, "how-do-i", "",
			"P3 because rule `how-do-i` matched 'how'", p3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := s.Classify(Input{Summary: tt.text})
			if d.Urgency != tt.urgency || d.Rule != tt.rule || d.Modifier != tt.by {
				t.Fatalf("Classify(%q) = %s by %q, modifier %q; want %s by %q, modifier %q", tt.text, d.Urgency, d.Rule, d.Modifier, tt.urgency, tt.rule, tt.by)
			}
			if (tt.by == "") != (d.RuleUrgency == 0) {
				t.Errorf("RuleUrgency = %v with modifier %q: set exactly when a modifier moved the urgency", d.RuleUrgency, d.Modifier)
			}
			if d.SLA != tt.sla {
				t.Errorf("SLA = %+v, want %+v", d.SLA, tt.sla)
			}
			if got := d.Explain(); got != tt.explain {
				t.Errorf("Explain() = %q, want %q", got, tt.explain)
			}
			want, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := d.AppendJSON(nil, nil); !ok || string(got) != string(want) {
				t.Errorf("AppendJSON = %s, %v; json.Marshal = %s", got, ok, want)
			}
		})
	}
}
