package learn

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
)

// In Slack the on-call can change only the category: a labels line with
// a category and no urgency or action labels the category only; an
// unknown category stays an error (issue 12).
func TestReadMessageLabelsCategoryOnly(t *testing.T) {
	got, err := readMessageLabels("l.jsonl", strings.NewReader(`{"channel": "#help", "ts": "1.2", "category": "access"}`+"\n"), cats)
	if err != nil || len(got) != 1 || !got[0].CategoryOnly || got[0].UrgencyFromAction || got[0].Category != "access" {
		t.Fatalf("labels %+v, %v; want one labelling the category only", got, err)
	}
	if _, err := readMessageLabels("l.jsonl", strings.NewReader(`{"channel": "#help", "ts": "1.2", "category": "outage"}`+"\n"), cats); err == nil ||
		!strings.Contains(err.Error(), `category "outage" is not one`) {
		t.Errorf("unknown category alone: %v", err)
	}
}

// A rules eval label without an urgency counts in the category accuracy
// only, and the text says how many there were.
func TestEvaluateCountsCategoryOnlyLabelsInCategoryOnly(t *testing.T) {
	set, err := classifier.Compile(suggestRules, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ex := []Example{
		labelled("the site is down", classifier.P1, "incident"),
		{ID: "2", Input: classifier.Input{Summary: "staging is down"}, Category: "deploy"},
		{ID: "3", Input: classifier.Input{Summary: "need access"}, Category: "incident"},
	}
	r := Evaluate(set, ex)
	if r.N != 3 || r.CategoryOnly != 2 || r.Urgency.N != 1 || r.Interrupt.N != 1 || r.Category.N != 3 || r.Category.Agree != 1 {
		t.Errorf("N %d, category only %d, urgency %+v, interrupt %+v, category %+v", r.N, r.CategoryOnly, r.Urgency, r.Interrupt, r.Category)
	}
	decided := 0
	for _, u := range r.PerUrgency {
		decided += u.Decided
	}
	if decided != 1 || len(r.Worst) != 2 {
		t.Errorf("decided %d (want the 1 labelled with an urgency), worst %+v", decided, r.Worst)
	}
	if out := FormatText(r); !strings.Contains(out, "2 requests labelled for category only") {
		t.Errorf("text lacks the category-only count:\n%s", out)
	}
}
