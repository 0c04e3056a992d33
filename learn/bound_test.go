package learn

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
	"gopkg.in/yaml.v3"
)

// boundRules: a continue rule raises whatever says "blocked" to at least
// P2; the rules after it decide questions and access requests P3.
var boundRules = []classifier.Rule{
	{Name: "blocks-others", Any: []string{"blocked"}, Continue: true, UrgencyAtLeast: classifier.P2, SLA: classifier.SLA{Ack: time.Hour}},
	{Name: "how-do-i", Any: []string{"how do i"}, Urgency: classifier.P3, Category: "question"},
	{Name: "access", Any: []string{"access"}, Urgency: classifier.P3, Category: "access"},
	{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other"},
}

// boundHistory is a team that lets "blocked" questions wait: it deferred
// five of them, which the bound had raised to P2, and kept one access
// request the bound raised. The deciding rules were right.
func boundHistory() []Example {
	var h []Example
	for i := range 5 {
		h = append(h, acted(fmt.Sprintf("how do I rotate key %d, I'm blocked on it", i), classifier.P3, "question", triage.ActDeferReq, true))
		h = append(h, labelled(fmt.Sprintf("how do I read log %d", i), classifier.P3, "question"))
	}
	h = append(h, labelled("need access to prod, blocked", classifier.P2, "access"))
	return h
}

// An urgency the team undid was a bound's doing, not the deciding rule's:
// Suggest names the bound, with its precision on the requests it moved,
// and proposes nothing for the rule that decided.
func TestSuggestBlamesTheBoundThatMovedTheUrgency(t *testing.T) {
	s, err := Suggest(boundRules, classifier.Options{}, boundHistory(), SuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := byKind(t, s.Edits)
	e, ok := got[string(Unbound)+" blocks-others"]
	if !ok {
		t.Fatalf("no edit of the bound among %v", keys(got))
	}
	if e.Fired != 6 || e.Correct != 1 || e.Support != 5 || e.Against != 1 {
		t.Errorf("bound moved %d, kept %d, support %d, against %d; want 6, 1, 5, 1", e.Fired, e.Correct, e.Support, e.Against)
	}
	if !e.After.Better(e.Before) {
		t.Errorf("after %v is not better than before %v", e.After, e.Before)
	}
	wantIn(t, e.Describe(), "bound `blocks-others`", "raised 6 requests to P2; the team set 5 of them back", "precision 17%", "remove its urgency_at_least: P2")
	for k, e := range got {
		if e.Rule == "how-do-i" || e.Rule == "access" {
			t.Errorf("edit %q blames the deciding rule: %s", k, e.Describe())
		}
	}
}

// A request whose urgency the team set back from where a bound moved it
// was overridden by the bound: the weekly report counts it there.
func TestBlamedNamesTheBound(t *testing.T) {
	d := classifier.Decision{Rule: "how-do-i", Urgency: classifier.P2, Category: "question", Modifier: "blocks-others", RuleUrgency: classifier.P3}
	tests := []struct {
		name    string
		urgency classifier.Urgency
		cat     string
		want    string
	}{
		{"set back", classifier.P3, "question", "blocks-others"},
		{"set further back", classifier.P4, "question", "blocks-others"},
		{"raised further", classifier.P1, "question", "how-do-i"},
		{"category changed", classifier.P2, "access", "how-do-i"},
		{"not overridden", classifier.P2, "question", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &triage.Request{Decision: d, Urgency: tc.urgency, Category: tc.cat}
			if tc.urgency != d.Urgency {
				r.Overrides = []triage.UrgencyChange{{From: d.Urgency, To: tc.urgency}}
			}
			if got, _ := Blamed(r); got != tc.want {
				t.Errorf("Blamed = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPatchTakesTheBoundOff(t *testing.T) {
	src := `rules:
  - &can-wait
    name: can-wait
    any: ["no rush"]
    urgency_at_most: P3  # questions can wait
    continue: true
    sla: {ack: 4h}

  - name: blocks-others
    any: [blocked,
          "blocking us"]
    urgency_at_least: P2
    continue: true

  - name: outage
    any: [down]
    urgency: P1
`
	lines := map[string]int{"can-wait": 2, "blocks-others": 9, "outage": 15}
	tests := []struct {
		name string
		edit Edit
		want string
	}{
		{"the bound", Edit{Kind: Unbound, Rule: "can-wait", Urgency: classifier.P3},
			"    name: can-wait\n    any: [\"no rush\"]\n    continue: true\n"},
		{"the rule", Edit{Kind: Unbound, Rule: "blocks-others", Urgency: classifier.P2, Raises: true, RemoveRule: true},
			"    sla: {ack: 4h}\n\n\n  - name: outage\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Patch([]byte(src), lines, nil, []Edit{tc.edit})
			if err != nil {
				t.Fatal(err)
			}
			wantIn(t, string(out), tc.want)
			var doc struct{ Rules []map[string]any }
			if err := yaml.Unmarshal(out, &doc); err != nil {
				t.Fatalf("patched file is not YAML: %v\n%s", err, out)
			}
			for _, r := range doc.Rules {
				if r["name"] == tc.edit.Rule && (r["urgency_at_least"] != nil || r["urgency_at_most"] != nil) {
					t.Errorf("rule %s keeps its bound: %v", tc.edit.Rule, r)
				}
			}
		})
	}
	// A rule others use through its anchor is removed by hand, with them.
	_, err := Patch([]byte(src), lines, nil, []Edit{{Kind: Unbound, Rule: "can-wait", RemoveRule: true}})
	if err == nil || !strings.Contains(err.Error(), "can-wait") {
		t.Errorf("err = %v, want one naming the anchored rule", err)
	}
}

// A rule holding an anchor others may use, say its sla's, is removed by
// hand: removing it here would break their aliases.
func TestPatchKeepsARuleHoldingAnAnchor(t *testing.T) {
	src := "rules:\n  - name: blocks\n    any: [blocked]\n    urgency_at_least: P2\n    continue: true\n    sla: &p2 {ack: 1h}\n"
	_, err := Patch([]byte(src), map[string]int{"blocks": 2}, nil, []Edit{{Kind: Unbound, Rule: "blocks", Raises: true, RemoveRule: true}})
	if err == nil || !strings.Contains(err.Error(), "&p2") {
		t.Errorf("err = %v, want one naming the anchor", err)
	}
}

// A rule whose last list is closed on a line of its own ends below its
// last node; rather than leave the bracket, Patch asks for it by hand.
func TestPatchRemovesOnlyARuleItCanSeeTheEndOf(t *testing.T) {
	src := "rules:\n  - name: blocks\n    continue: true\n    urgency_at_least: P2\n    any: [blocked,\n      stuck\n    ]\n  - name: outage\n    any: [down]\n    urgency: P1\n"
	_, err := Patch([]byte(src), map[string]int{"blocks": 2}, nil, []Edit{{Kind: Unbound, Rule: "blocks", Raises: true, RemoveRule: true}})
	if err == nil || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("err = %v, want one asking to remove it by hand", err)
	}
}
