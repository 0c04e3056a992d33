package triage

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		name    string
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{"first, no spread", 1, 0.5, time.Second},
		{"doubles", 3, 0.5, 4 * time.Second},
		{"low end", 3, 0, 3200 * time.Millisecond},
		{"high end", 3, 0.999999, 4*time.Second + 799*time.Millisecond},
		{"capped", 20, 0.5, time.Minute},
		{"huge attempt stays capped", 1000, 0.5, time.Minute},
		{"attempt 0 counts as 1", 0, 0.5, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Backoff(tt.attempt, time.Second, time.Minute, tt.rnd)
			if got.Truncate(time.Millisecond) != tt.want {
				t.Errorf("Backoff(%d, 1s, 1m, %v) = %v, want %v", tt.attempt, tt.rnd, got, tt.want)
			}
		})
	}
}
