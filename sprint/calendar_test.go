package sprint_test

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // so the tests pass on machines without a zoneinfo database

	"github.com/sprintguard/sprintguard/sprint"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}

func date(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}

// TestCalendar checks sprint boundaries against instants worked out by hand:
// Chicago is -6 in winter and -5 in summer (changes 2026-03-08, 2026-11-01),
// Lord Howe +10:30 and +11 (changes 2026-04-05, 2026-10-04), and Santiago
// skips midnight on 2026-09-06 (00:00 -04 becomes 01:00 -03).
func TestCalendar(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	lordHowe := zone(t, "Australia/Lord_Howe")
	santiago := zone(t, "America/Santiago")
	tests := []struct {
		name       string
		cal        sprint.Calendar
		t          string
		n          int
		start, end string
		length     time.Duration
	}{
		{"chicago spring forward inside sprint 1", sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago},
			"2026-03-10T12:00:00Z", 1, "2026-03-02T06:00:00Z", "2026-03-16T05:00:00Z", 14*24*time.Hour - time.Hour},
		{"chicago first instant", sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago},
			"2026-03-02T06:00:00Z", 1, "2026-03-02T06:00:00Z", "2026-03-16T05:00:00Z", 14*24*time.Hour - time.Hour},
		{"chicago last instant", sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago},
			"2026-03-16T04:59:59.999999999Z", 1, "2026-03-02T06:00:00Z", "2026-03-16T05:00:00Z", 14*24*time.Hour - time.Hour},
		{"chicago next sprint", sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago},
			"2026-03-16T05:00:00Z", 2, "2026-03-16T05:00:00Z", "2026-03-30T05:00:00Z", 14 * 24 * time.Hour},
		{"chicago fall back inside sprint 18", sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago},
			"2026-11-01T12:00:00Z", 18, "2026-10-26T05:00:00Z", "2026-11-09T06:00:00Z", 14*24*time.Hour + time.Hour},
		{"chicago sprint 0", sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago},
			"2026-03-02T05:59:59Z", 0, "2026-02-16T06:00:00Z", "2026-03-02T06:00:00Z", 14 * 24 * time.Hour},
		{"chicago sprint -2", sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago},
			"2026-01-20T00:00:00Z", -2, "2026-01-19T06:00:00Z", "2026-02-02T06:00:00Z", 14 * 24 * time.Hour},
		{"start instant only its local date counts", sprint.Calendar{Start: at(t, "2026-03-03T03:00:00Z"), LengthDays: 14, Location: chicago},
			"2026-03-10T12:00:00Z", 1, "2026-03-02T06:00:00Z", "2026-03-16T05:00:00Z", 14*24*time.Hour - time.Hour},
		{"lord howe spring forward", sprint.Calendar{Start: date(t, "2026-09-28", lordHowe), LengthDays: 14, Location: lordHowe},
			"2026-10-05T00:00:00Z", 1, "2026-09-27T13:30:00Z", "2026-10-11T13:00:00Z", 14*24*time.Hour - 30*time.Minute},
		{"lord howe fall back", sprint.Calendar{Start: date(t, "2026-03-30", lordHowe), LengthDays: 14, Location: lordHowe},
			"2026-04-06T00:00:00Z", 1, "2026-03-29T13:00:00Z", "2026-04-12T13:30:00Z", 14*24*time.Hour + 30*time.Minute},
		{"lord howe before start", sprint.Calendar{Start: date(t, "2026-03-30", lordHowe), LengthDays: 14, Location: lordHowe},
			"2026-03-29T12:59:00Z", 0, "2026-03-15T13:00:00Z", "2026-03-29T13:00:00Z", 14 * 24 * time.Hour},
		{"santiago skipped midnight starts at 01:00", sprint.Calendar{Start: date(t, "2026-08-30", santiago), LengthDays: 7, Location: santiago},
			"2026-09-06T04:00:00Z", 2, "2026-09-06T04:00:00Z", "2026-09-13T03:00:00Z", 7*24*time.Hour - time.Hour},
		{"santiago just before the skipped midnight", sprint.Calendar{Start: date(t, "2026-08-30", santiago), LengthDays: 7, Location: santiago},
			"2026-09-06T03:59:59Z", 1, "2026-08-30T04:00:00Z", "2026-09-06T04:00:00Z", 7 * 24 * time.Hour},
		{"one-day sprints", sprint.Calendar{Start: date(t, "2026-03-02", time.UTC), LengthDays: 1, Location: time.UTC},
			"2026-03-05T23:00:00Z", 4, "2026-03-05T00:00:00Z", "2026-03-06T00:00:00Z", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cal.Validate(); err != nil {
				t.Fatal(err)
			}
			got := tt.cal.At(at(t, tt.t))
			if got.N != tt.n || !got.Start.Equal(at(t, tt.start)) || !got.End.Equal(at(t, tt.end)) {
				t.Fatalf("At(%s) = %d [%v, %v), want %d [%s, %s)", tt.t, got.N, got.Start.UTC(), got.End.UTC(), tt.n, tt.start, tt.end)
			}
			if d := got.End.Sub(got.Start); d != tt.length {
				t.Errorf("sprint lasts %v, want %v", d, tt.length)
			}
			if got.Days() != tt.cal.LengthDays {
				t.Errorf("Days() = %d, want %d", got.Days(), tt.cal.LengthDays)
			}
			if n := tt.cal.Number(tt.n); n != got {
				t.Errorf("Number(%d) = %v, want %v", tt.n, n, got)
			}
			if got.Start.Location() != tt.cal.Location || got.End.Location() != tt.cal.Location {
				t.Errorf("bounds in %v, %v; want %v", got.Start.Location(), got.End.Location(), tt.cal.Location)
			}
		})
	}
}

// TestCalendarSteps walks two months hour by hour across each DST change and
// checks that sprints tile time with boundaries at local midnight.
func TestCalendarSteps(t *testing.T) {
	tests := []struct {
		zone, start, from string
	}{
		{"America/Chicago", "2026-03-02", "2026-02-15T00:00:00Z"},
		{"America/Chicago", "2026-03-02", "2026-10-15T00:00:00Z"},
		{"Australia/Lord_Howe", "2026-03-02", "2026-03-15T00:00:00Z"},
		{"Australia/Lord_Howe", "2026-03-02", "2026-09-15T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.from, func(t *testing.T) {
			loc := zone(t, tt.zone)
			cal := sprint.Calendar{Start: date(t, tt.start, loc), LengthDays: 14, Location: loc}
			from := at(t, tt.from)
			prev := cal.At(from)
			for now := from; now.Before(from.AddDate(0, 2, 0)); now = now.Add(15 * time.Minute) {
				s := cal.At(now)
				if !s.Contains(now) {
					t.Fatalf("At(%v) = [%v, %v), which does not contain it", now, s.Start, s.End)
				}
				if h, m, sec := s.Start.Clock(); h != 0 || m != 0 || sec != 0 {
					t.Fatalf("sprint %d starts at %v, not local midnight", s.N, s.Start)
				}
				if s.N != prev.N && (s.N != prev.N+1 || !s.Start.Equal(prev.End)) {
					t.Fatalf("sprint %d [%v, %v) does not follow sprint %d [%v, %v)", s.N, s.Start, s.End, prev.N, prev.Start, prev.End)
				}
				prev = s
			}
		})
	}
}

func TestSprintDaysLeftAndLabel(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	cal := sprint.Calendar{Start: date(t, "2026-03-02", chicago), LengthDays: 14, Location: chicago}
	s := cal.Number(1)
	tests := []struct {
		name string
		t    string
		want int
	}{
		{"before the sprint", "2026-02-20T12:00:00Z", 14},
		{"first instant", "2026-03-02T06:00:00Z", 14},
		{"first day evening, already the 3rd in UTC", "2026-03-03T04:00:00Z", 14},
		{"second day", "2026-03-03T12:00:00Z", 13},
		{"last day", "2026-03-15T23:00:00Z", 1},
		{"end", "2026-03-16T05:00:00Z", 0},
		{"after", "2026-04-01T00:00:00Z", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.DaysLeft(at(t, tt.t)); got != tt.want {
				t.Errorf("DaysLeft(%s) = %d, want %d", tt.t, got, tt.want)
			}
		})
	}
	labels := []struct {
		n    int
		want string
	}{
		{1, "Sprint 1 (2026-03-02 – 2026-03-15)"}, // the first sprint is 1, as people count
		{2, "Sprint 2 (2026-03-16 – 2026-03-29)"},
		{0, "Sprint 0 (2026-02-16 – 2026-03-01)"},
	}
	for _, tt := range labels {
		t.Run(tt.want, func(t *testing.T) {
			if got := cal.Number(tt.n).Label(); got != tt.want {
				t.Errorf("Label() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCalendarValidate(t *testing.T) {
	tests := []struct {
		name string
		cal  sprint.Calendar
		want []error
	}{
		{"valid", sprint.Calendar{Start: date(t, "2026-03-02", time.UTC), LengthDays: 14, Location: time.UTC}, nil},
		{"no location", sprint.Calendar{Start: date(t, "2026-03-02", time.UTC), LengthDays: 14, Location: nil}, []error{sprint.ErrNoLocation}},
		{"no start", sprint.Calendar{Start: time.Time{}, LengthDays: 14, Location: time.UTC}, []error{sprint.ErrNoStart}},
		{"zero length", sprint.Calendar{Start: date(t, "2026-03-02", time.UTC), LengthDays: 0, Location: time.UTC}, []error{sprint.ErrBadLength}},
		{"negative length", sprint.Calendar{Start: date(t, "2026-03-02", time.UTC), LengthDays: -14, Location: time.UTC}, []error{sprint.ErrBadLength}},
		{"too long", sprint.Calendar{Start: date(t, "2026-03-02", time.UTC), LengthDays: 1000, Location: time.UTC}, []error{sprint.ErrBadLength}},
		{"all wrong", sprint.Calendar{}, []error{sprint.ErrNoLocation, sprint.ErrNoStart, sprint.ErrBadLength}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cal.Validate()
			if (err != nil) != (len(tt.want) > 0) {
				t.Fatalf("Validate() = %v, want %v", err, tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Validate() = %v, want it to wrap %v", err, w)
				}
			}
		})
	}
}

func TestParseLength(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{in: "2w", want: 14},
		{in: "14d", want: 14},
		{in: "10", want: 10},
		{in: " 3W ", want: 21},
		{in: "366d", want: 366},
		{in: "0d", wantErr: true},
		{in: "-2w", wantErr: true},
		{in: "+2w", wantErr: true},
		{in: "53w", wantErr: true},
		{in: "2 weeks", wantErr: true},
		{in: "w", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sprint.ParseLength(tt.in)
			if tt.wantErr {
				if !errors.Is(err, sprint.ErrBadLength) {
					t.Fatalf("ParseLength(%q) = %d, %v; want ErrBadLength", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseLength(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}
