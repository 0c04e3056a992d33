package learn

import (
	"fmt"
	"math"

	"github.com/sprintguard/sprintguard/classifier"
)

// Agreement counts how often rules agree with labelled examples, in a form
// that one example can be taken out of and put back in: Suggest scores each
// candidate edit by reclassifying only the examples it can change, where
// Evaluate would reclassify them all. It is a plain value.
type Agreement struct {
	N int `json:"n"` // examples scored
	// Urgency and Interrupt count the examples whose urgency, and whose
	// interrupt-or-not (P1 and P2 interrupt), the rules got right.
	Urgency   int `json:"urgency_right"`
	Interrupt int `json:"interrupt_right"`
	// Categorised counts the examples labelled with a category, and
	// Category those of them the rules got right.
	Categorised int `json:"categorised"`
	Category    int `json:"category_right"`
	// Timed counts the examples resolved with the time spent, and
	// EstimateOff sums how far the rules' estimate was from it.
	Timed       int     `json:"timed"`
	EstimateOff float64 `json:"estimate_off"`
}

// add counts example e decided as d, with sign -1 taking it back out.
func (s *Agreement) add(e *Example, d classifier.Decision, sign int) {
	s.N += sign
	if d.Urgency == e.Urgency {
		s.Urgency += sign
	}
	if Interrupts(d.Urgency) == Interrupts(e.Urgency) {
		s.Interrupt += sign
	}
	if e.HasActual {
		s.Timed += sign
		s.EstimateOff += float64(sign) * math.Abs(d.Estimate-e.Actual)
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

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// String reads "urgency 71.0%, interrupt 90.0%, category 60.0% of 500",
// followed by "; estimate off by 1.5 on average over 120 timed" when any
// example was resolved with the time spent.
func (s Agreement) String() string {
	out := fmt.Sprintf("urgency %.1f%%, interrupt %.1f%%, category %.1f%% of %d",
		percent(s.Urgency, s.N), percent(s.Interrupt, s.N), percent(s.Category, s.Categorised), s.N)
	if s.Timed > 0 {
		out += fmt.Sprintf("; estimate off by %.1f on average over %d timed", s.MeanOff(), s.Timed)
	}
	return out
}

// MeanOff is how far, on average, the estimate was from the time spent on
// the examples resolved with it.
func (s Agreement) MeanOff() float64 {
	if s.Timed == 0 {
		return 0
	}
	return s.EstimateOff / float64(s.Timed)
}

// Better reports whether s beats t: more right on urgency and category
// together, then on interrupt-or-not, then estimates nearer the time spent.
func (s Agreement) Better(t Agreement) bool {
	a, b := s.Urgency+s.Category, t.Urgency+t.Category
	if a != b {
		return a > b
	}
	if s.Interrupt != t.Interrupt {
		return s.Interrupt > t.Interrupt
	}
	// The sums are kept by adding and taking out, so allow for rounding.
	return s.EstimateOff < t.EstimateOff-1e-6*max(1, t.EstimateOff)
}
