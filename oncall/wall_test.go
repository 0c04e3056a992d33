package oncall

import (
	"testing"
	"time"
	_ "time/tzdata" // so the tests pass on machines without a zoneinfo database
)

func TestResolveWall(t *testing.T) {
	tests := []struct {
		name   string
		zone   string
		date   string
		hour   int
		minute int
		want   string // RFC 3339, worked out by hand from the zone's rules
	}{
		{"chicago plain winter", "America/Chicago", "2026-03-01", 10, 0, "2026-03-01T16:00:00Z"},
		{"chicago plain summer", "America/Chicago", "2026-03-09", 10, 0, "2026-03-09T15:00:00Z"},
		{"chicago gap goes to 03:00 CDT", "America/Chicago", "2026-03-08", 2, 30, "2026-03-08T08:00:00Z"},
		{"chicago gap start goes to 03:00 CDT", "America/Chicago", "2026-03-08", 2, 0, "2026-03-08T08:00:00Z"},
		{"chicago end of gap exists", "America/Chicago", "2026-03-08", 3, 0, "2026-03-08T08:00:00Z"},
		{"chicago just before gap", "America/Chicago", "2026-03-08", 1, 59, "2026-03-08T07:59:00Z"},
		{"chicago repeated hour takes CDT", "America/Chicago", "2026-11-01", 1, 30, "2026-11-01T06:30:00Z"},
		{"chicago repeated hour start", "America/Chicago", "2026-11-01", 1, 0, "2026-11-01T06:00:00Z"},
		{"chicago after repeated hour", "America/Chicago", "2026-11-01", 2, 0, "2026-11-01T08:00:00Z"},
		{"lord howe half-hour gap", "Australia/Lord_Howe", "2026-10-04", 2, 15, "2026-10-03T15:30:00Z"},
		{"lord howe gap start", "Australia/Lord_Howe", "2026-10-04", 2, 0, "2026-10-03T15:30:00Z"},
		{"lord howe after gap", "Australia/Lord_Howe", "2026-10-04", 2, 45, "2026-10-03T15:45:00Z"},
		{"lord howe repeated half hour takes +11", "Australia/Lord_Howe", "2026-04-05", 1, 45, "2026-04-04T14:45:00Z"},
		{"lord howe after repeated half hour", "Australia/Lord_Howe", "2026-04-05", 2, 0, "2026-04-04T15:30:00Z"},
		{"santiago midnight gap", "America/Santiago", "2026-09-06", 0, 0, "2026-09-06T04:00:00Z"},
		{"santiago repeated hour before midnight", "America/Santiago", "2026-04-04", 23, 30, "2026-04-05T02:30:00Z"},
		{"havana midnight gap", "America/Havana", "2026-03-08", 0, 30, "2026-03-08T05:00:00Z"},
		{"apia skipped day", "Pacific/Apia", "2011-12-30", 10, 0, "2011-12-30T10:00:00Z"},
		{"utc", "UTC", "2026-06-01", 23, 59, "2026-06-01T23:59:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			d, err := time.Parse(time.DateOnly, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			got := resolveWall(dayOf(d), tt.hour, tt.minute, loc)
			if got.UTC().Format(time.RFC3339) != tt.want {
				t.Errorf("resolveWall(%s %02d:%02d %s) = %v (%v), want %s",
					tt.date, tt.hour, tt.minute, tt.zone, got, got.UTC(), tt.want)
			}
			if got.Location() != loc {
				t.Errorf("location = %v, want %v", got.Location(), loc)
			}
		})
	}
}

func TestFloorDivMod(t *testing.T) {
	tests := []struct {
		a, b, div, mod int64
	}{
		{7, 7, 1, 0},
		{6, 7, 0, 6},
		{0, 7, 0, 0},
		{-1, 7, -1, 6},
		{-7, 7, -1, 0},
		{-8, 7, -2, 6},
		{-2, 3, -1, 1},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			if got := floorDiv(tt.a, tt.b); got != tt.div {
				t.Errorf("floorDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.div)
			}
			if got := floorMod(tt.a, tt.b); got != tt.mod {
				t.Errorf("floorMod(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.mod)
			}
		})
	}
}

func TestCivilDays(t *testing.T) {
	tests := []struct {
		date    string
		weekday time.Weekday
	}{
		{"1970-01-01", time.Thursday},
		{"1969-12-31", time.Wednesday},
		{"1900-03-01", time.Thursday},
		{"2024-01-01", time.Monday},
		{"2024-02-29", time.Thursday},
		{"2026-03-08", time.Sunday},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d, err := time.Parse(time.DateOnly, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			day := dayOf(d)
			if got := weekdayOf(day); got != tt.weekday {
				t.Errorf("weekdayOf = %v, want %v", got, tt.weekday)
			}
			y, m, dd := civilDate(day)
			if got := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Format(time.DateOnly); got != tt.date {
				t.Errorf("civilDate(dayOf(%s)) = %s", tt.date, got)
			}
		})
	}
}
