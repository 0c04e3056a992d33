package learn

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
)

func testRules(t *testing.T) *classifier.Set {
	t.Helper()
	set, err := classifier.Compile([]classifier.Rule{
		{Name: "outage", Any: []string{"down"}, Urgency: classifier.P1, Category: "incident"},
		{Name: "access", Any: []string{"access"}, Urgency: classifier.P3, Category: "access"},
		{Name: "question", Any: []string{"how do i"}, Urgency: classifier.P4, Category: "question"},
		{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other"},
	}, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func ex(text string, u classifier.Urgency, cat string) Example {
	return Example{ID: text, Input: classifier.Input{Summary: text}, Urgency: u, Category: cat}
}

func TestEvaluate(t *testing.T) {
	res := Evaluate(testRules(t), []Example{
		ex("site is down", classifier.P1, "incident"),                   // right
		ex("need access to grafana", classifier.P3, "access"),           // right
		ex("how do I deploy", classifier.P4, "question"),                // right
		ex("the cache is slow for everyone", classifier.P2, "incident"), // fallback P3 other: wrong interrupt, urgency, category
		ex("access denied on the registry", classifier.P2, "access"),    // P3 access: wrong interrupt and urgency
		ex("how do I reset my password", classifier.P3, "access"),       // P4 question: right interrupt, wrong urgency and category
	})
	if res.N != 6 {
		t.Fatalf("N = %d", res.N)
	}
	for _, c := range []struct {
		name string
		got  Score
		want int
	}{{"interrupt", res.Interrupt, 4}, {"urgency", res.Urgency, 3}, {"category", res.Category, 4}} {
		if c.got.Agree != c.want || c.got.N != 6 || c.got.Accuracy != float64(c.want)/6 {
			t.Errorf("%s = %+v, want %d of 6", c.name, c.got, c.want)
		}
	}
	p2, p3 := res.PerUrgency[1], res.PerUrgency[2]
	if p2.Labelled != 2 || p2.Decided != 0 || p2.Recall != 0 || p2.Precision != 0 {
		t.Errorf("P2 = %+v", p2)
	}
	// P3 decided for the slow cache, the denied access and the access request; right once.
	if p3.Labelled != 2 || p3.Decided != 3 || p3.Correct != 1 || p3.Precision != 1.0/3 || p3.Recall != 0.5 {
		t.Errorf("P3 = %+v", p3)
	}
	wantCats := []string{"access", "incident", "other", "question"}
	if strings.Join(res.Categories, ",") != strings.Join(wantCats, ",") {
		t.Fatalf("categories %v", res.Categories)
	}
	// Row access: one decided access, one decided question.
	if got := res.Confusion[0]; got[0] != 2 || got[3] != 1 {
		t.Errorf("access row %v", got)
	}
	if got := res.Confusion[1]; got[1] != 1 || got[2] != 1 {
		t.Errorf("incident row %v", got)
	}
	if len(res.Worst) != 3 {
		t.Fatalf("worst = %+v", res.Worst)
	}
	// Wrong interrupt calls first, in file order; then the rest.
	if res.Worst[0].ID != "the cache is slow for everyone" || res.Worst[0].Rule != "fallback" ||
		res.Worst[1].ID != "access denied on the registry" || res.Worst[1].Rule != "access" ||
		res.Worst[2].ID != "how do I reset my password" {
		t.Errorf("worst order: %+v", res.Worst)
	}
	if !strings.Contains(res.Worst[1].Explanation, "rule `access` matched 'access'") {
		t.Errorf("explanation %q", res.Worst[1].Explanation)
	}
	text := FormatText(res)
	for _, want := range []string{"accuracy (agreement with the labels)\ninterrupt-or-not   66.7%  (4 of 6)", "precision", "recall", "P3", "33%", "50%", "category confusion", "access denied on the registry", "worst disagreements (3 shown)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// TestEvaluateNamesTheDecidingRule checks that a disagreement whose
// urgency a continue rule moved still names the rule that decided, and
// says which rule moved it.
func TestEvaluateNamesTheDecidingRule(t *testing.T) {
	set, err := classifier.Compile([]classifier.Rule{
		{Name: "blocks-others", Any: []string{"blocking"}, Continue: true, UrgencyAtLeast: classifier.P2},
		{Name: "question", Any: []string{"how do i"}, Urgency: classifier.P4, Category: "question"},
		{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other"},
	}, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := Evaluate(set, []Example{ex("how do I rotate this key, it is blocking me", classifier.P4, "question")})
	if len(res.Worst) != 1 {
		t.Fatalf("worst = %+v", res.Worst)
	}
	w := res.Worst[0]
	if w.Rule != "question" || w.Modifier != "blocks-others" || w.GotUrgency != classifier.P2 {
		t.Errorf("worst = %+v, want P2 decided by question, raised by blocks-others", w)
	}
	if !strings.Contains(w.Explanation, "raised from P4 by rule `blocks-others`") {
		t.Errorf("explanation %q", w.Explanation)
	}
	if text := FormatText(res); !strings.Contains(text, "question (then blocks-others)") {
		t.Errorf("text does not name both rules:\n%s", text)
	}
}

func TestEvaluateLargeInputMatchesSerial(t *testing.T) {
	rules := testRules(t)
	texts := []string{"site is down", "need access", "how do I x", "hello"}
	var exs []Example
	for i := range 3000 {
		exs = append(exs, ex(texts[i%4], classifier.P3, "other"))
	}
	res := Evaluate(rules, exs)
	// Only "need access" (P3 access) and "hello" (P3 other) are P3; only
	// "hello" is also "other".
	if res.Urgency.Agree != 1500 || res.Category.Agree != 750 {
		t.Errorf("urgency %+v, category %+v", res.Urgency, res.Category)
	}
	if len(res.Worst) != MaxWorst {
		t.Errorf("%d worst, want %d", len(res.Worst), MaxWorst)
	}
}

// TestEvaluateWithoutACategory: a label that leaves the category out (a
// labels file beside an export may) counts for urgency only, as Suggest's
// scores count it; it is no disagreement when the urgency is right, and
// no row of the confusion matrix.
func TestEvaluateWithoutACategory(t *testing.T) {
	examples := []Example{
		ex("site is down", classifier.P1, "incident"),
		ex("need access to grafana", classifier.P3, ""),
		ex("the api is down again", classifier.P3, ""),
	}
	res := Evaluate(testRules(t), examples)
	if res.Urgency.Agree != 2 || res.Urgency.N != 3 || res.Category.Agree != 1 || res.Category.N != 1 {
		t.Errorf("urgency %+v, category %+v; want 2 of 3 and 1 of 1", res.Urgency, res.Category)
	}
	if strings.Join(res.Categories, ",") != "incident" {
		t.Errorf("categories %q, want only incident", res.Categories)
	}
	if len(res.Worst) != 1 || res.Worst[0].ID != "the api is down again" {
		t.Errorf("worst %+v, want the api only", res.Worst)
	}
	var a Agreement
	for i := range examples {
		a.add(&examples[i], testRules(t).Classify(examples[i].Input), 1)
	}
	if a.Category != res.Category.Agree || a.Categorised != res.Category.N || a.Urgency != res.Urgency.Agree {
		t.Errorf("Agreement %+v differs from Evaluate %+v", a, res)
	}
}

// TestHeadline: a labels file may leave the category out, and the
// headline's category share is then of the requests labelled with one.
func TestHeadline(t *testing.T) {
	for _, tc := range []struct {
		name string
		cat  Score
		want string
	}{
		{"all labelled", Score{Agree: 3, N: 4, Accuracy: 0.75}, "interrupt-or-not 50.0%, urgency 25.0%, category 75.0% of 4"},
		{"some labelled", Score{Agree: 1, N: 2, Accuracy: 0.5}, "interrupt-or-not 50.0%, urgency 25.0%, category 50.0% of the 2 labelled with one, of 4"},
		{"none labelled", Score{}, "interrupt-or-not 50.0%, urgency 25.0%, no category labelled, of 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Result{N: 4, Interrupt: Score{Agree: 2, N: 4, Accuracy: 0.5}, Urgency: Score{Agree: 1, N: 4, Accuracy: 0.25}, Category: tc.cat}
			if got := Headline(r); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
