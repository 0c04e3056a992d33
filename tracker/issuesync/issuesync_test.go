package issuesync

import "testing"

func TestTimeSpent(t *testing.T) {
	for _, tc := range []struct {
		text, unit string
		want       float64
		ok         bool
	}{
		{"time-spent: 2h", "hours", 2, true},
		{"Done.\nTime spent: 1.5 hours", "hours", 1.5, true},
		{"time-spent: 1d", "hours", 8, true},
		{"time-spent: 2h", "points", 0, false},
		{"time-spent: 3pts", "points", 3, true},
		{"time-spent: 3", "points", 3, true},
		{"time-spent: 1\ntime-spent: 4", "points", 4, true},
		{"no time here", "hours", 0, false},
		{"I said time-spent: 2h mid-sentence", "hours", 0, false},
	} {
		t.Run(tc.text+"/"+tc.unit, func(t *testing.T) {
			got, ok := TimeSpent(tc.text, tc.unit)
			if got != tc.want || ok != tc.ok {
				t.Errorf("TimeSpent = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
