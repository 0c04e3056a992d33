package learn

import (
	"fmt"

	"github.com/sprintguard/sprintguard/classifier"
)

// Score is how well rules agree with labelled examples. It is a plain value.
type Score struct {
	N int `json:"n"` // examples scored
	// Urgency and Interrupt count the examples whose urgency, and whose
	// interrupt-or-not (P1 and P2 interrupt), the rules got right.
	Urgency   int `json:"urgency_right"`
	Interrupt int `json:"interrupt_right"`
	// Categorised counts the examples labelled with a category, and
	// Category those of them the rules got right.
	Categorised int `json:"categorised"`
	Category    int `json:"category_right"`
}

// Scores scores set against ex with the plain evaluator.
func Scores(set *classifier.Set, ex []Example) Score { return evalScorer{}.Evaluate(set, ex) }

// Evaluator scores rules against examples. Suggest only needs this much of
// rules evaluation; evalScorer is the plain implementation, kept minimal
// until the full `rules eval` core serves Suggest too.
type Evaluator interface {
	Evaluate(set *classifier.Set, ex []Example) Score
}

type evalScorer struct{}

var _ Evaluator = evalScorer{}

// Evaluate classifies every example with set and counts agreements.
func (evalScorer) Evaluate(set *classifier.Set, ex []Example) Score {
	var s Score
	for i := range ex {
		s.add(&ex[i], set.Classify(ex[i].Input), 1)
	}
	return s
}

// add counts example e decided as d, with sign -1 taking it back out.
func (s *Score) add(e *Example, d classifier.Decision, sign int) {
	s.N += sign
	if d.Urgency == e.Urgency {
		s.Urgency += sign
	}
	if interrupts(d.Urgency) == interrupts(e.Urgency) {
		s.Interrupt += sign
	}
	if e.Category != "" {
		s.Categorised += sign
		if d.Category == e.Category {
			s.Category += sign
		}
	}
}

// right reports whether d is what e's label says on every count.
func right(e *Example, d classifier.Decision) bool {
	return d.Urgency == e.Urgency && (e.Category == "" || d.Category == e.Category)
}

func interrupts(u classifier.Urgency) bool { return u == classifier.P1 || u == classifier.P2 }

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// String reads "urgency 71.0%, interrupt 90.0%, category 60.0% of 500".
func (s Score) String() string {
	return fmt.Sprintf("urgency %.1f%%, interrupt %.1f%%, category %.1f%% of %d",
		pct(s.Urgency, s.N), pct(s.Interrupt, s.N), pct(s.Category, s.Categorised), s.N)
}

// Better reports whether s beats t: more right on urgency and category
// together, then on interrupt-or-not.
func (s Score) Better(t Score) bool {
	a, b := s.Urgency+s.Category, t.Urgency+t.Category
	if a != b {
		return a > b
	}
	return s.Interrupt > t.Interrupt
}
