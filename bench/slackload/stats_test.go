package main

import (
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // unsorted on purpose
	}
	tests := []struct {
		name          string
		lat           []time.Duration
		p50, p99, max time.Duration
	}{
		{"empty", nil, 0, 0, 0},
		{"one", ms(7), 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond},
		{"two", ms(9, 1), 1 * time.Millisecond, 9 * time.Millisecond, 9 * time.Millisecond},
		{"hundred", ms(hundred...), 50 * time.Millisecond, 99 * time.Millisecond, 100 * time.Millisecond},
		{"outlier", ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 500), 1 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(tt.lat)
			if got.n != len(tt.lat) || got.p50 != tt.p50 || got.p99 != tt.p99 || got.max != tt.max {
				t.Errorf("summarize = %+v, want n %d p50 %v p99 %v max %v", got, len(tt.lat), tt.p50, tt.p99, tt.max)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	if got := ms(1234567 * time.Nanosecond); got != "1.23 ms" {
		t.Errorf("ms = %q, want 1.23 ms", got)
	}
	if got := perSecond(500, 2*time.Second); got != 250 {
		t.Errorf("perSecond = %v, want 250", got)
	}
	if got := perSecond(500, 0); got != 0 {
		t.Errorf("perSecond over no time = %v, want 0", got)
	}
}
