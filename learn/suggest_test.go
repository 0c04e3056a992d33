package learn

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
)

var suggestRules = []classifier.Rule{
	{Name: "outage", Any: []string{"down", "outage"}, Urgency: classifier.P1, Category: "incident"},
	{Name: "access", Any: []string{"access"}, Urgency: classifier.P3, Category: "access"},
	{Name: "staging", Any: []string{"staging"}, Urgency: classifier.P2, Category: "deploy"},
	{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other"},
}

func labelled(text string, u classifier.Urgency, cat string) Example {
	return Example{ID: text, Input: classifier.Input{Summary: text}, Urgency: u, Category: cat, Overridden: true}
}

// history is what a team did: it treats "locked out" as access and
// certificate expiry as a P2 infra change, which no rule knows, and it
// never agreed with the staging rule.
func history() []Example {
	var h []Example
	for i := range 5 {
		h = append(h, labelled(fmt.Sprintf("I am locked out of grafana %d", i), classifier.P3, "access"))
		h = append(h, labelled(fmt.Sprintf("the certificate expired on host %d", i), classifier.P2, "infra_change"))
		h = append(h, labelled(fmt.Sprintf("staging question number %d", i), classifier.P4, "question"))
		h = append(h, labelled(fmt.Sprintf("site down again %d", i), classifier.P1, "incident"))
	}
	h = append(h, labelled("I am locked out but this is really an outage", classifier.P1, "incident"))
	// The access rule already decides one locked-out request: "locked
	// out" belongs with it.
	h = append(h, labelled("locked out, need access to vault", classifier.P3, "access"))
	return h
}

func TestSuggestFindsPhrasesNewRulesAndMisfires(t *testing.T) {
	s, err := Suggest(suggestRules, classifier.Options{}, history(), SuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := byKind(t, s.Edits)
	tests := []struct {
		key      string
		phrase   string
		support  int
		urgency  classifier.Urgency
		category string
	}{
		{"phrase access", "locked out", 5, classifier.P3, "access"},
		{"rule learned-infra_change-certificate expired", "certificate expired", 5, classifier.P2, "infra_change"},
		{"retarget staging", "", 5, classifier.P4, "question"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			key := strings.ReplaceAll(tc.key, "certificate expired", "certificate-expired")
			e, ok := got[key]
			if !ok {
				t.Fatalf("no edit %q among %v", key, keys(got))
			}
			if tc.phrase != "" && (len(e.Phrases) == 0 || e.Phrases[0] != tc.phrase) {
				t.Errorf("phrases %q, want %q first", e.Phrases, tc.phrase)
			}
			if e.Support != tc.support || e.Urgency != tc.urgency || e.Category != tc.category {
				t.Errorf("support %d %s %s, want %d %s %s", e.Support, e.Urgency, e.Category, tc.support, tc.urgency, tc.category)
			}
			if !e.After.Better(e.Before) {
				t.Errorf("after %v is not better than before %v", e.After, e.Before)
			}
		})
	}
	if st := got["retarget staging"]; st.Fired != 5 || st.Correct != 0 || st.Precision() != 0 {
		t.Errorf("staging fired %d, right %d, want 5 and 0", st.Fired, st.Correct)
	}
	if s.After.Urgency.Agree != s.After.N || s.After.Category.Agree != s.After.N || !(s.Before.Urgency.Agree < s.After.Urgency.Agree) {
		t.Errorf("all edits: %v -> %v; want all right", s.Before, s.After)
	}
}

func TestSuggestNeedsSupport(t *testing.T) {
	h := history()[:8] // two of each: below the default support of 3
	s, err := Suggest(suggestRules, classifier.Options{}, h, SuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Edits) != 0 {
		t.Errorf("edits %+v from two items each, want none", s.Edits)
	}
}

// byKind maps "KIND RULE" to each edit, and logs them.
func byKind(t *testing.T, edits []Edit) map[string]Edit {
	t.Helper()
	got := map[string]Edit{}
	for _, e := range edits {
		got[string(e.Kind)+" "+e.Rule] = e
		t.Log(e.Describe(), e.Before, "->", e.After)
	}
	return got
}

// wantIn reports each of wants that got lacks.
func wantIn(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Suggest scores the rules as they are from the decisions it mines with;
// the score must be the one Evaluate gives, worst disagreements included.
func TestSuggestBeforeIsEvaluate(t *testing.T) {
	h := history()
	s, err := Suggest(suggestRules, classifier.Options{}, h, SuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	set, err := classifier.Compile(suggestRules, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := Evaluate(set, h); !reflect.DeepEqual(s.Before, want) {
		t.Errorf("before %+v\nwant   %+v", s.Before, want)
	}
	if s.Before.N != len(h) || len(s.Before.Worst) == 0 {
		t.Errorf("before scored %d requests with %d disagreements; want %d and some", s.Before.N, len(s.Before.Worst), len(h))
	}
}

// A new rule whose requests a bound then moves to another urgency turns
// none of them right, though it gets their category right: an edit with
// no request it turns right has no support, whatever it does to the score.
func TestSuggestEveryEditNeedsSupport(t *testing.T) {
	rules := []classifier.Rule{
		{Name: "prod-floor", Continue: true, Any: []string{"prod"}, UrgencyAtLeast: classifier.P2},
		{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other"},
	}
	var h []Example
	for i := range 4 {
		h = append(h, labelled(fmt.Sprintf("staging prod flaky %d", i), classifier.P3, "incident"))
	}
	h = append(h, labelled("staging prod is fine", classifier.P2, "other"))
	s, err := Suggest(rules, classifier.Options{}, h, SuggestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := byKind(t, s.Edits)
	for _, e := range got {
		if e.Support < 3 {
			t.Errorf("%s: support %d, below the 3 an edit needs", e.Describe(), e.Support)
		}
	}
	// The bound's removal turns the urgency of 4 right: an urgency edit
	// leaves the category to another.
	if b, ok := got["bound prod-floor"]; !ok || b.Support != 4 {
		t.Errorf("bound prod-floor: %+v, want it with support 4", b)
	}
}
