package triage

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/sprint"
)

// TestPolicyDetail holds the policy event's detail to the fmt format it
// was written with, for whole, fractional, large and odd numbers.
func TestPolicyDetail(t *testing.T) {
	at := time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		urgency  Urgency
		estimate float64
		capacity float64
		charged  float64
	}{
		{classifier.P1, 3, 50, 0},
		{classifier.P3, 0.5, 37.5, 2.25},
		{classifier.P2, 1e21, 1e-7, 0.1 + 0.2},
		{Urgency(0), math.Inf(1), 10, 1},
	} {
		led := sprint.NewLedger("platform", 1, sprint.Budget{Capacity: tc.capacity, Fraction: 1})
		if tc.charged > 0 {
			led.Reserve("1", tc.charged, at)
		}
		r := &Request{Urgency: tc.urgency, Estimate: tc.estimate}
		want := fmt.Sprintf("%s, estimate %g, budget used %g of %g", r.Urgency, r.Estimate, led.Used(), led.Total)
		if got := policyDetail(r, led); got != want {
			t.Errorf("policyDetail = %q, want %q", got, want)
		}
	}
}
