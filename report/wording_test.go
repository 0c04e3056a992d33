package report

import (
	"strings"
	"testing"
	"time"
)

// TestBudgetLineWording checks the number of each noun and that the
// percentage is rounded, as every format's budget line says it.
func TestBudgetLineWording(t *testing.T) {
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		s    SprintStatus
		want string
	}{
		{"one of each", SprintStatus{N: 4, Start: start, End: start.AddDate(0, 0, 14), Unit: "points", Budget: 1, Used: 0.5, UsedRatio: 0.5, DaysLeft: 1},
			"Budget (sprint 4, 16 Nov – 29 Nov): 0.5 of 1 point used (50%)"},
		{"rounded, not truncated", SprintStatus{N: 4, Start: start, End: start.AddDate(0, 0, 14), Unit: "hours", Budget: 9, Used: 5, UsedRatio: 5.0 / 9, DaysLeft: 2},
			"Budget (sprint 4, 16 Nov – 29 Nov): 5 of 9 hours used (56%)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := budgetLine(tt.s)
			if !strings.HasPrefix(line, tt.want) {
				t.Errorf("budgetLine = %q\nwant prefix %q", line, tt.want)
			}
			days := "1 day left"
			if tt.s.DaysLeft != 1 {
				days = "2 days left"
			}
			if !strings.Contains(line, days) {
				t.Errorf("budgetLine = %q, want %q", line, days)
			}
		})
	}
	if got := gauge(SprintStatus{Start: start, End: start.AddDate(0, 0, 14), Unit: "points", Budget: 1}).Text; got != "0 of 1 point (0%)" {
		t.Errorf("gauge text = %q", got)
	}
}
