package jobs

import (
	"testing"
	"time"
)

func TestNextWaitIsTheEarliestDueTime(t *testing.T) {
	now := time.Date(2026, 3, 8, 1, 59, 0, 0, time.UTC)
	every := func(d time.Duration) Duty {
		return Duty{Name: d.String(), Next: func(t time.Time) time.Time { return t.Truncate(d).Add(d) }}
	}
	stuck := Duty{Name: "stuck", Next: func(t time.Time) time.Time { return t }}
	for _, tc := range []struct {
		name   string
		duties []Duty
		want   time.Duration
	}{
		{"no duties: the poll", nil, 30 * time.Second},
		{"due after the poll: the poll", []Duty{every(time.Hour)}, 30 * time.Second},
		{"due before the poll: its due time", []Duty{every(time.Hour), every(20 * time.Second)}, 20*time.Second + dueMargin},
		{"a Next that does not move is ignored", []Duty{stuck, every(20 * time.Second)}, 20*time.Second + dueMargin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Scheduler{Duties: tc.duties}
			if got := s.nextWait(now, 30*time.Second); got != tc.want {
				t.Errorf("nextWait = %v, want %v", got, tc.want)
			}
		})
	}
}
