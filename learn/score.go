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
	// Rated counts the examples labelled with an urgency: a label of the
	// category only (Example.NoUrgency) counts in the category alone.
	Rated int `json:"rated"`
	// Urgency and Interrupt count the rated examples whose urgency, and
	// whose interrupt-or-not (P1 and P2 interrupt), the rules got right.
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
	if e.urgencyLabelled() {
		s.Rated += sign
		if d.Urgency == e.Urgency {
			s.Urgency += sign
		}
		if Interrupts(d.Urgency) == Interrupts(e.Urgency) {
			s.Interrupt += sign
		}
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
// with "of the 400 labelled with one" after the interrupt figure when some
// examples are labelled for the category only, and followed by
// "; estimate off by 1.5 on average over 120 timed" when any example was
// resolved with the time spent.
func (s Agreement) String() string {
	var out string
	switch s.Rated {
	case s.N:
		out = fmt.Sprintf("urgency %.1f%%, interrupt %.1f%%, ", percent(s.Urgency, s.N), percent(s.Interrupt, s.N))
	case 0:
		out = "no urgency labelled, "
	default:
		out = fmt.Sprintf("urgency %.1f%%, interrupt %.1f%% of the %d labelled with one, ", percent(s.Urgency, s.Rated), percent(s.Interrupt, s.Rated), s.Rated)
	}
	out += categoryOf(s.Category, s.Categorised, s.N)
	if s.Timed > 0 {
		out += fmt.Sprintf("; estimate off by %.1f on average over %d timed", s.MeanOff(), s.Timed)
	}
	return out
}

// Headline is r's three accuracies on one line: "interrupt-or-not 90.0%,
// urgency 80.0%, category 70.0% of 10". A labels file may leave any of
// the three out, so each share is of the requests labelled with it, and
// says so when those are fewer: "urgency 80.0% of 5". It is a pure
// function.
func Headline(r Result) string {
	return fmt.Sprintf("%s, %s, %s", shareOf("interrupt-or-not", r.Interrupt, r.N), shareOf("urgency", r.Urgency, r.N),
		categoryOf(r.Category.Agree, r.Category.N, r.N))
}

// shareOf is one figure of a Headline: its accuracy, with the number of
// requests it is of when not all n were labelled with it.
func shareOf(what string, s Score, n int) string {
	switch s.N {
	case n:
		return fmt.Sprintf("%s %.1f%%", what, 100*s.Accuracy)
	case 0:
		return "no " + what + " labelled"
	}
	return fmt.Sprintf("%s %.1f%% of %d", what, 100*s.Accuracy, s.N)
}

// categoryOf ends a line of figures on n examples, of which categorised
// were labelled with a category and right of those decided as labelled.
func categoryOf(right, categorised, n int) string {
	switch categorised {
	case n:
		return fmt.Sprintf("category %.1f%% of %d", percent(right, categorised), n)
	case 0:
		return fmt.Sprintf("no category labelled, of %d", n)
	}
	return fmt.Sprintf("category %.1f%% of the %d labelled with one, of %d", percent(right, categorised), categorised, n)
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
