package learn

import (
	"fmt"

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

// String reads "urgency 71.0%, interrupt 90.0%, category 60.0% of 500".
func (s Agreement) String() string {
	return fmt.Sprintf("urgency %.1f%%, interrupt %.1f%%, category %.1f%% of %d",
		percent(s.Urgency, s.N), percent(s.Interrupt, s.N), percent(s.Category, s.Categorised), s.N)
}

// Better reports whether s beats t: more right on urgency and category
// together, then on interrupt-or-not.
func (s Agreement) Better(t Agreement) bool {
	a, b := s.Urgency+s.Category, t.Urgency+t.Category
	if a != b {
		return a > b
	}
	return s.Interrupt > t.Interrupt
}
