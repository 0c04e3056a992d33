package plural

import (
	"math"
	"testing"
)

func TestCount(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "request", "0 requests"},
		{1, "request", "1 request"},
		{1, "requests", "1 request"},
		{2, "request", "2 requests"},
		{1, "teams", "1 team"},
		{3, "rule", "3 rules"},
		{1, "problems", "1 problem"},
		{2, "breach", "2 breaches"},
		{1, "breaches", "1 breach"},
		{2, "entry", "2 entries"},
		{1, "entries", "1 entry"},
		{2, "day", "2 days"},
		{1, "days", "1 day"},
		{2, "story point", "2 story points"},
		{1, "story points", "1 story point"},
		{-1, "request", "-1 requests"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Count(tt.n, tt.noun); got != tt.want {
				t.Errorf("Count(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
			}
		})
	}
}

func TestAmount(t *testing.T) {
	tests := []struct {
		f    float64
		unit string
		want string
	}{
		{1, "points", "1 point"},
		{1, "hours", "1 hour"},
		{0.999, "points", "1 point"}, // shown as 1, so said as 1
		{1.5, "points", "1.5 points"},
		{0.5, "points", "0.5 points"},
		{0, "points", "0 points"},
		{0.1 + 0.2, "points", "0.3 points"},
		{2, "point", "2 points"},
		{3, "", "3"},
		{-0.001, "points", "0 points"},
		{math.NaN(), "points", "? points"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Amount(tt.f, tt.unit); got != tt.want {
				t.Errorf("Amount(%v, %q) = %q, want %q", tt.f, tt.unit, got, tt.want)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0.556, "56%"},
		{0.559, "56%"},
		{0.5, "50%"},
		{0.005, "1%"},
		{0.004, "0%"},
		{1.234, "123%"},
		{0, "0%"},
		{-0.001, "0%"},
		{math.Inf(1), "?%"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Percent(tt.f); got != tt.want {
				t.Errorf("Percent(%v) = %q, want %q", tt.f, got, tt.want)
			}
		})
	}
}
