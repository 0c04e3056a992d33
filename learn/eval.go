package learn

import (
	"cmp"
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/sprintguard/sprintguard/classifier"
)

// Example is one labelled request: what was asked and what people decided.
// File and Line locate it in the labels file, for errors. An example from
// the team's history (see History) also says which request and rule it
// was, whether a person overrode the rule, and the time it took.
type Example struct {
	ID       string
	Input    classifier.Input
	Urgency  classifier.Urgency
	Category string
	Split    string
	File     string
	Line     int
	// Interrupt is the interrupt-or-not that a label gave without an
	// urgency (which would say it), and nil otherwise.
	Interrupt *bool
	// NoUrgency says the label gave no urgency although Urgency is set:
	// it is the rules' own, kept for mining (see Join), and no urgency
	// figure counts it (nor interrupt-or-not, unless Interrupt is set).
	NoUrgency bool

	Team      string
	RequestID int64
	// Rule is the rule that decided the request when it arrived.
	Rule string
	// Overridden says a person changed the urgency or the category, or
	// deferred or declined the request in a way that says its urgency
	// (Inferred, see History).
	Overridden bool
	// Action is the last defer, approve or decline a person made
	// (triage.ActDeferReq, ActApprove, ActDecline), or "".
	Action string
	// Inferred says Urgency is what Action says, not one a person set:
	// P3 for a deferred interrupt, P4 for a declined request.
	Inferred  bool
	Actual    float64
	HasActual bool
	Resolver  string
}

// Interrupts reports whether a request of urgency u interrupts the sprint
// (P1 and P2), the interrupt-or-not line that labelled sets draw.
func Interrupts(u classifier.Urgency) bool { return u == classifier.P1 || u == classifier.P2 }

// urgencyLabelled reports whether e's label gives an urgency.
func (e *Example) urgencyLabelled() bool { return e.Urgency.Valid() && !e.NoUrgency }

// labelledInterrupt returns the interrupt-or-not e's label gives, from its
// urgency or on its own, and whether it gives one.
func (e *Example) labelledInterrupt() (yes, known bool) {
	switch {
	case e.urgencyLabelled():
		return Interrupts(e.Urgency), true
	case e.Interrupt != nil:
		return *e.Interrupt, true
	}
	return false, false
}

// Result is how a rule set's decisions compare with the labels.
type Result struct {
	N int `json:"n"`
	// CategoryOnly counts the requests labelled with a category and no
	// urgency: they count in the category accuracy only.
	CategoryOnly int `json:"category_only"`
	// InterruptOnly counts the requests labelled interrupt or not with no
	// urgency: they count in interrupt-or-not, and in no urgency figure.
	InterruptOnly int `json:"interrupt_only"`
	// Accuracy of interrupt-or-not, urgency and category, as fractions.
	Interrupt Score `json:"interrupt"`
	Urgency   Score `json:"urgency"`
	Category  Score `json:"category"`
	// PerUrgency holds precision and recall for P1..P4, in that order.
	PerUrgency []UrgencyScore `json:"per_urgency"`
	// Categories names the rows and columns of Confusion, sorted: every
	// category that was labelled or decided.
	Categories []string `json:"categories"`
	// Confusion[i][j] counts requests labelled Categories[i] that the
	// rules put in Categories[j].
	Confusion [][]int `json:"confusion"`
	// Worst are the disagreements that matter most, worst first: a wrong
	// interrupt-or-not call, then the urgency distance, then the category.
	Worst []Disagreement `json:"worst"`
}

// Score is a count of agreements out of N. Accuracy is 0 when N is 0
// (nothing was labelled with it); in JSON it is then null, as the text's
// "-".
type Score struct {
	Agree    int     `json:"agree"`
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
}

// MarshalJSON writes the accuracy of nothing labelled as null, so that a
// reader cannot take it for rules always wrong.
func (s Score) MarshalJSON() ([]byte, error) {
	type plain Score
	out := struct {
		plain
		Accuracy *float64 `json:"accuracy"`
	}{plain: plain(s)}
	if s.N > 0 {
		out.Accuracy = &s.Accuracy
	}
	return json.Marshal(out)
}

// UrgencyScore is precision and recall of one urgency level. Precision is
// 0 when the rules never chose the level (Decided is 0), and Recall when
// nothing was labelled it; in JSON both are then null, as the text's "-".
type UrgencyScore struct {
	Urgency   classifier.Urgency `json:"urgency"`
	Labelled  int                `json:"labelled"`
	Decided   int                `json:"decided"`
	Correct   int                `json:"correct"`
	Precision float64            `json:"precision"`
	Recall    float64            `json:"recall"`
}

// MarshalJSON writes a precision or recall with nothing to measure it on
// as null, so that a reader cannot take it for a rule always wrong.
func (u UrgencyScore) MarshalJSON() ([]byte, error) {
	type plain UrgencyScore
	out := struct {
		plain
		Precision *float64 `json:"precision"`
		Recall    *float64 `json:"recall"`
	}{plain: plain(u)}
	if u.Decided > 0 {
		out.Precision = &u.Precision
	}
	if u.Labelled > 0 {
		out.Recall = &u.Recall
	}
	return json.Marshal(out)
}

// Disagreement is one request where the rules and the label differ.
// Urgency is 0 when the label gives none, and Interrupt is then the
// interrupt-or-not it gave, if any; in JSON the urgency is then null.
type Disagreement struct {
	ID          string             `json:"id"`
	Text        string             `json:"text"`
	Urgency     classifier.Urgency `json:"urgency"`
	Interrupt   *bool              `json:"interrupt,omitempty"`
	Category    string             `json:"category"`
	GotUrgency  classifier.Urgency `json:"got_urgency"`
	GotCategory string             `json:"got_category"`
	Rule        string             `json:"rule"`
	// Modifier is the continue rule that raised or lowered Rule's urgency.
	Modifier     string `json:"modifier,omitempty"`
	Explanation  string `json:"explanation"`
	Line         int    `json:"line,omitempty"`
	severity     int
	exampleIndex int
}

// MarshalJSON writes an urgency the label does not give as null: a
// category-only label has none, and Urgency.MarshalText refuses 0.
func (d Disagreement) MarshalJSON() ([]byte, error) {
	type plain Disagreement
	out := struct {
		plain
		Urgency    *classifier.Urgency `json:"urgency"`
		GotUrgency *classifier.Urgency `json:"got_urgency"`
	}{plain: plain(d)}
	if d.Urgency.Valid() {
		out.Urgency = &d.Urgency
	}
	if d.GotUrgency.Valid() {
		out.GotUrgency = &d.GotUrgency
	}
	return json.Marshal(out)
}

// MaxWorst is how many disagreements Result.Worst keeps.
const MaxWorst = 15

// Evaluate classifies every example with rules and compares the decisions
// with the labels. It classifies on all CPUs, since a Set is safe for
// concurrent use, and is itself safe to call concurrently.
func Evaluate(rules *classifier.Set, examples []Example) Result {
	return score(examples, classifyAll(rules, examples))
}

// score compares decisions, one per example, with the examples' labels.
func score(examples []Example, decisions []classifier.Decision) Result {
	res := Result{N: len(examples)}
	per := make([]UrgencyScore, 4)
	for i := range per {
		per[i].Urgency = classifier.Urgency(i + 1)
	}
	confusion := map[[2]string]int{}
	cats := map[string]bool{}
	var worst []Disagreement
	for i, ex := range examples {
		d := decisions[i]
		// A label without an urgency is of the category only, as when the
		// on-call changed just that, or of interrupt-or-not and the
		// category: the urgency scores leave it out.
		urgencyLabelled := ex.urgencyLabelled()
		wantInterrupt, interruptLabelled := ex.labelledInterrupt()
		switch {
		case !interruptLabelled:
			res.CategoryOnly++
		case !urgencyLabelled:
			res.InterruptOnly++
		}
		agreeInterrupt := !interruptLabelled || Interrupts(d.Urgency) == wantInterrupt
		if interruptLabelled {
			res.Interrupt.add(agreeInterrupt)
		}
		if urgencyLabelled {
			res.Urgency.add(d.Urgency == ex.Urgency)
		}
		// A label without a category (a labels file may leave it out)
		// says nothing of it, as Agreement counts it.
		agreeCategory := ex.Category == "" || d.Category == ex.Category
		if ex.Category != "" {
			res.Category.add(agreeCategory)
			confusion[[2]string{ex.Category, d.Category}]++
			cats[ex.Category], cats[d.Category] = true, true
		}
		if urgencyLabelled {
			per[ex.Urgency-1].Labelled++
			if d.Urgency.Valid() {
				per[d.Urgency-1].Decided++
				if d.Urgency == ex.Urgency {
					per[d.Urgency-1].Correct++
				}
			}
		}
		if agreeInterrupt && agreeCategory && (!urgencyLabelled || d.Urgency == ex.Urgency) {
			continue
		}
		sev := 0
		if urgencyLabelled {
			sev = abs(int(d.Urgency) - int(ex.Urgency))
		}
		if !agreeInterrupt {
			sev += 10
		}
		var labelled classifier.Urgency
		if urgencyLabelled {
			labelled = ex.Urgency
		}
		worst = append(worst, Disagreement{
			ID: ex.ID, Text: strings.TrimSpace(ex.Input.Summary + "\n" + ex.Input.Details), Urgency: labelled, Interrupt: ex.Interrupt, Category: ex.Category,
			GotUrgency: d.Urgency, GotCategory: d.Category, Rule: d.Rule, Modifier: d.Modifier, Line: ex.Line,
			severity: sev, exampleIndex: i,
		})
	}
	for i := range per {
		p := &per[i]
		p.Precision, p.Recall = ratio(p.Correct, p.Decided), ratio(p.Correct, p.Labelled)
	}
	res.PerUrgency = per
	for _, s := range []*Score{&res.Interrupt, &res.Urgency, &res.Category} {
		s.Accuracy = ratio(s.Agree, s.N)
	}
	// "categories": [] beside "confusion": [], never null.
	res.Categories = make([]string, 0, len(cats))
	for c := range cats {
		res.Categories = append(res.Categories, c)
	}
	slices.Sort(res.Categories)
	res.Confusion = make([][]int, len(res.Categories))
	for i, want := range res.Categories {
		res.Confusion[i] = make([]int, len(res.Categories))
		for j, got := range res.Categories {
			res.Confusion[i][j] = confusion[[2]string{want, got}]
		}
	}
	// Worst first; ties keep file order, so the output is stable.
	slices.SortStableFunc(worst, func(a, b Disagreement) int {
		if c := cmp.Compare(b.severity, a.severity); c != 0 {
			return c
		}
		return cmp.Compare(a.exampleIndex, b.exampleIndex)
	})
	if len(worst) > MaxWorst {
		worst = worst[:MaxWorst]
	}
	for i := range worst {
		worst[i].Explanation = decisions[worst[i].exampleIndex].Explain()
	}
	res.Worst = worst
	if res.Worst == nil {
		res.Worst = []Disagreement{} // "worst": [], which a reader can range over
	}
	return res
}

// classifyAll decides every example, spreading the work over the CPUs.
func classifyAll(rules *classifier.Set, examples []Example) []classifier.Decision {
	out := make([]classifier.Decision, len(examples))
	parallel(len(examples), func(i int) { out[i] = rules.Classify(examples[i].Input) })
	return out
}

// parallel calls fn(i) for every i below n, spread over the CPUs; fn must
// only touch what belongs to its i.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				fn(i)
			}
		})
	}
	wg.Wait()
}

func (s *Score) add(agree bool) {
	s.N++
	if agree {
		s.Agree++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
