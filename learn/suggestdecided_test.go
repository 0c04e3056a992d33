package learn

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
)

// A rule whose labelled requests are a few of the many it decided is not
// retargeted on them: a new rule, ahead of it, takes the mislabelled ones
// and the rest stay where they were (issue 12).
func TestSuggestRetargetsOnlyOnMostOfWhatARuleDecided(t *testing.T) {
	s, err := Suggest(suggestRules, classifier.Options{}, history(), SuggestOptions{Decided: map[string]int{"staging": 15}})
	if err != nil {
		t.Fatal(err)
	}
	got := byKind(t, s.Edits)
	if e, ok := got["retarget staging"]; ok {
		t.Errorf("retargets staging on 5 labelled of 15 decided: %s", e.Describe())
	}
	var ahead *Edit
	for i, e := range s.Edits {
		if e.Kind == AddRule && e.Ahead == "staging" {
			ahead = &s.Edits[i]
		}
	}
	if ahead == nil || ahead.Urgency != classifier.P4 || ahead.Category != "question" || ahead.Support != 5 {
		t.Fatalf("no new P4 question rule ahead of staging among %v", keys(got))
	}
	if r := Apply(suggestRules, []Edit{*ahead}); r[2].Name != ahead.Rule || r[3].Name != "staging" {
		t.Errorf("the new rule is not right before staging: %v", r)
	}
	if d := ahead.Describe(); !strings.Contains(d, "before rule `staging`") {
		t.Errorf("Describe: %s", d)
	}

	// With most of what it decided labelled, it is retargeted, and says
	// over how many.
	s, err = Suggest(suggestRules, classifier.Options{}, history(), SuggestOptions{Decided: map[string]int{"staging": 8}})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := byKind(t, s.Edits)["retarget staging"]
	if !ok || !strings.Contains(e.Describe(), "on 5 labelled of 8 decided") {
		t.Errorf("retarget staging: %v %s", ok, e.Describe())
	}
}

// Keep vets every edit of what the rules decide: one it refuses is not
// proposed.
func TestSuggestKeepDropsEdits(t *testing.T) {
	var seen int
	s, err := Suggest(suggestRules, classifier.Options{}, history(), SuggestOptions{Keep: func(e Edit) bool {
		seen++
		return e.Kind != Retarget
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := byKind(t, s.Edits)["retarget staging"]; ok || seen == 0 {
		t.Errorf("Keep asked %d times; the refused retarget is among %v", seen, keys(byKind(t, s.Edits)))
	}
}

// A rule ahead of another goes right before that rule's item, an
// anchored one's included.
func TestPatchPutsARuleAhead(t *testing.T) {
	src := "rules:\n  - name: a\n    any: [x]\n    urgency: P3\n  - &b\n    name: b\n    any: [y]\n    urgency: P2\n  - name: fallback\n    default: true\n"
	out, err := Patch([]byte(src), map[string]int{"a": 2, "b": 5, "fallback": 9}, nil,
		[]Edit{{Kind: AddRule, Rule: "new", Ahead: "b", Phrases: []string{"two words"}, Urgency: classifier.P4, Category: "question"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "    urgency: P3\n  - name: new\n    any: [\"two words\"]\n    urgency: P4\n    category: question\n\n  - &b\n"
	if !strings.Contains(string(out), want) {
		t.Errorf("got\n%s\nwant it to hold\n%s", out, want)
	}
}
