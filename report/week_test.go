package report

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the tests need zones even where the system has none
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestWeekOf(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	tests := []struct {
		name      string
		at        time.Time
		loc       *time.Location
		label     string
		start     string // local wall clock of Start
		end       string // local wall clock of End
		hoursLong float64
	}{
		{"mid-week", time.Date(2026, 11, 18, 15, 0, 0, 0, chicago), chicago, "2026-W47",
			"2026-11-16 00:00 CST", "2026-11-23 00:00 CST", 168},
		{"Monday midnight starts the week", time.Date(2026, 11, 16, 0, 0, 0, 0, chicago), chicago, "2026-W47",
			"2026-11-16 00:00 CST", "2026-11-23 00:00 CST", 168},
		{"last nanosecond of Sunday", time.Date(2026, 11, 22, 23, 59, 59, 999999999, chicago), chicago, "2026-W47",
			"2026-11-16 00:00 CST", "2026-11-23 00:00 CST", 168},
		{"instant is Monday in UTC but Sunday in Chicago", time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC), chicago, "2026-W47",
			"2026-11-16 00:00 CST", "2026-11-23 00:00 CST", 168},
		{"spring forward week is 167h", time.Date(2026, 3, 8, 12, 0, 0, 0, chicago), chicago, "2026-W10",
			"2026-03-02 00:00 CST", "2026-03-09 00:00 CDT", 167},
		{"fall back week is 169h", time.Date(2026, 11, 1, 1, 30, 0, 0, chicago), chicago, "2026-W44",
			"2026-10-26 00:00 CDT", "2026-11-02 00:00 CST", 169},
		{"week 53", time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), time.UTC, "2026-W53",
			"2026-12-28 00:00 UTC", "2027-01-04 00:00 UTC", 168},
		{"1 January in the previous year's week 53", time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.UTC, "2026-W53",
			"2026-12-28 00:00 UTC", "2027-01-04 00:00 UTC", 168},
		{"30 December in next year's week 1", time.Date(2024, 12, 30, 12, 0, 0, 0, time.UTC), time.UTC, "2025-W01",
			"2024-12-30 00:00 UTC", "2025-01-06 00:00 UTC", 168},
		{"nil location is UTC", time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC), nil, "2026-W48",
			"2026-11-23 00:00 UTC", "2026-11-30 00:00 UTC", 168},
	}
	const layout = "2006-01-02 15:04 MST"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := WeekOf(tt.at, tt.loc)
			if got := w.Label(); got != tt.label {
				t.Errorf("Label() = %s, want %s", got, tt.label)
			}
			if got := w.Start.Format(layout); got != tt.start {
				t.Errorf("Start = %s, want %s", got, tt.start)
			}
			if got := w.End.Format(layout); got != tt.end {
				t.Errorf("End = %s, want %s", got, tt.end)
			}
			if got := w.End.Sub(w.Start).Hours(); got != tt.hoursLong {
				t.Errorf("length = %vh, want %vh", got, tt.hoursLong)
			}
			if !w.Contains(tt.at) {
				t.Errorf("%v does not contain %v", w, tt.at)
			}
		})
	}
}

func TestParseWeek(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	tests := []struct {
		in    string
		start string
		end   string
	}{
		{"2026-W47", "2026-11-16 00:00 CST", "2026-11-23 00:00 CST"},
		{"2026w47", "2026-11-16 00:00 CST", "2026-11-23 00:00 CST"},
		{" 2026-w01 ", "2025-12-29 00:00 CST", "2026-01-05 00:00 CST"},
		{"2026-W53", "2026-12-28 00:00 CST", "2027-01-04 00:00 CST"},
		{"2020-W53", "2020-12-28 00:00 CST", "2021-01-04 00:00 CST"},
		{"2025-W01", "2024-12-30 00:00 CST", "2025-01-06 00:00 CST"},
		{"2026-W10", "2026-03-02 00:00 CST", "2026-03-09 00:00 CDT"},
		{"2026-W44", "2026-10-26 00:00 CDT", "2026-11-02 00:00 CST"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			w, err := ParseWeek(tt.in, chicago)
			if err != nil {
				t.Fatalf("ParseWeek: %v", err)
			}
			if got := w.Start.Format("2006-01-02 15:04 MST"); got != tt.start {
				t.Errorf("Start = %s, want %s", got, tt.start)
			}
			if got := w.End.Format("2006-01-02 15:04 MST"); got != tt.end {
				t.Errorf("End = %s, want %s", got, tt.end)
			}
		})
	}
}

func TestParseWeekErrors(t *testing.T) {
	for _, in := range []string{"", "2026", "2026-47", "2026-W4", "2026-W470", "26-W47", "2026-W00",
		"2026-W54", "2025-W53", "2026-W+1", "+026-W01", "2026-W4x", "2026--W47", "W47-2026"} {
		t.Run(in, func(t *testing.T) {
			if w, err := ParseWeek(in, time.UTC); !errors.Is(err, ErrBadWeek) {
				t.Errorf("ParseWeek(%q) = %v, %v; want ErrBadWeek", in, w, err)
			}
		})
	}
}

// TestWeekRoundTrip walks six years of days in zones with and without DST
// and checks that each week parses back from its label and that weeks
// tile time without gaps.
func TestWeekRoundTrip(t *testing.T) {
	for _, name := range []string{"America/Chicago", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"} {
		t.Run(name, func(t *testing.T) {
			loc := mustLoad(t, name)
			prev := WeekOf(time.Date(2022, 1, 1, 12, 0, 0, 0, loc), loc)
			for d := 0; d < 6*366; d++ {
				at := time.Date(2022, 1, 1+d, 12, 0, 0, 0, loc)
				w := WeekOf(at, loc)
				back, err := ParseWeek(w.Label(), loc)
				if err != nil || !back.Start.Equal(w.Start) || !back.End.Equal(w.End) {
					t.Fatalf("ParseWeek(%s) = %v, %v; want %v", w.Label(), back, err, w)
				}
				if w.Start.Weekday() != time.Monday || w.End.Weekday() != time.Monday {
					t.Fatalf("week %s starts on %v", w.Label(), w.Start)
				}
				if w != prev && !w.Start.Equal(prev.End) {
					t.Fatalf("gap between %v and %v", prev, w)
				}
				prev = w
			}
		})
	}
}

func TestMidnight(t *testing.T) {
	tests := []struct {
		zone string
		date time.Time // in UTC, for its Y-M-D only
		want string
	}{
		{"America/Chicago", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), "2026-03-08 00:00 CST"},
		// Midnight does not exist on these days; the day starts at 01:00.
		{"America/Santiago", time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC), "2026-09-06 01:00 -03"},
		{"America/Havana", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), "2026-03-08 01:00 CDT"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc := mustLoad(t, tt.zone)
			y, m, d := tt.date.Date()
			got := midnight(y, m, d, loc)
			if s := got.Format("2006-01-02 15:04 MST"); s != tt.want {
				t.Errorf("midnight = %s, want %s", s, tt.want)
			}
			if before := got.Add(-time.Nanosecond); before.Day() == d {
				t.Errorf("the instant before %v is still on day %d", got, d)
			}
		})
	}
}
