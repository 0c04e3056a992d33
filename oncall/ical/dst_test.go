package ical_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/oncall/ical"
)

// rotationFeed is a feed of three people on daily shifts handed over at
// 09:00 in tz, each repeating every third day from start, and one night
// shift from 22:00 to 06:00 the night of night.
func rotationFeed(tz string, start, night time.Time) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	for i, who := range []string{"ann", "ben", "cem"} {
		d := start.AddDate(0, 0, i)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:On call: %s\r\n"+
			"DTSTART;TZID=%s:%s\r\nDTEND;TZID=%s:%s\r\nRRULE:FREQ=DAILY;INTERVAL=3\r\nEND:VEVENT\r\n",
			who, who, tz, d.Format("20060102")+"T090000", tz, d.AddDate(0, 0, 1).Format("20060102")+"T090000")
	}
	fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:night\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:On call: nia\r\n"+
		"DTSTART;TZID=%s:%s\r\nDTEND;TZID=%s:%s\r\nEND:VEVENT\r\n",
		tz, night.Format("20060102")+"T220000", tz, night.AddDate(0, 0, 1).Format("20060102")+"T060000")
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

// TestDSTStepThrough walks every 30 minutes across both DST changes of
// 2026 in America/Chicago and Europe/Berlin: the handoff stays at 09:00
// local, nobody is missing and nobody doubles, and a night shift across the
// change lasts from 22:00 to 06:00 local whatever the clocks did.
func TestDSTStepThrough(t *testing.T) {
	tests := []struct {
		tz     string
		change string // the local date the clocks change
	}{
		{"America/Chicago", "2026-03-08"},
		{"America/Chicago", "2026-11-01"},
		{"Europe/Berlin", "2026-03-29"},
		{"Europe/Berlin", "2026-10-25"},
	}
	for _, tt := range tests {
		t.Run(tt.tz+"/"+tt.change, func(t *testing.T) {
			loc := zone(t, tt.tz)
			change, err := time.ParseInLocation(time.DateOnly, tt.change, loc)
			if err != nil {
				t.Fatal(err)
			}
			start := change.AddDate(0, 0, -4)
			night := change.AddDate(0, 0, -1) // 22:00 the evening before, across the 02:00/03:00 change
			feed := rotationFeed(tt.tz, start, night)
			from, to := start, change.AddDate(0, 0, 4)
			entries, err := ical.Parse(strings.NewReader(feed), loc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			tl := oncall.Build("platform", oncall.SourceICal, from, from, to, loc, entries, label)
			nightStart := time.Date(night.Year(), night.Month(), night.Day(), 22, 0, 0, 0, loc)
			nightEnd := time.Date(night.Year(), night.Month(), night.Day()+1, 6, 0, 0, 0, loc)
			for at := start.Add(9 * time.Hour); at.Before(to); at = at.Add(30 * time.Minute) {
				s := tl.Current(at, nil, loc)
				want := []string{"ann", "ben", "cem"}[shiftDay(at, start, loc)%3]
				if !at.Before(nightStart) && at.Before(nightEnd) {
					want = "nia"
				}
				if s.User != want {
					t.Fatalf("at %s: %q on call, want %q", at.In(loc).Format(time.RFC3339), s.User, want)
				}
				if want != "nia" {
					if h, m, _ := s.Start.In(loc).Clock(); s.Start.After(start) && (h != 9 && h != 6 || m != 0) {
						t.Errorf("at %s: shift starts at %s local, want 09:00 (or 06:00 after the night)", at.In(loc).Format(time.RFC3339), s.Start.In(loc).Format("15:04"))
					}
				}
			}
			// The night shift is 8 hours of wall clock: 7 or 9 real hours.
			s := tl.Current(nightStart, nil, loc)
			if !s.Start.Equal(nightStart) || !s.End.Equal(nightEnd) {
				t.Errorf("night shift %v..%v, want %v..%v", s.Start, s.End, nightStart, nightEnd)
			}
			if d := s.End.Sub(s.Start); d != 7*time.Hour && d != 9*time.Hour {
				t.Errorf("night shift lasts %v, want 7h or 9h across the change", d)
			}
		})
	}
}

// shiftDay returns the number of the local day whose 09:00 shift holds at.
func shiftDay(at, start time.Time, loc *time.Location) int {
	l := at.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	if l.Hour() < 9 {
		day = day.AddDate(0, 0, -1)
	}
	s := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	return int(day.Sub(s).Hours() / 24)
}
