package ical_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/oncall/ical"
)

// FuzzParse feeds the parser arbitrary input, seeded with every fixture:
// it must return entries or an error, never panic, and every entry must be
// a real stretch inside the window.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ics"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(wrap("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:[L1]\r\nDTSTART;VALUE=DATE:20261102\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU;COUNT=3\r\nEXDATE;VALUE=DATE:20261103\r\nEND:VEVENT\r\n"))
	f.Add(wrap("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20261025T023000\r\nDURATION:P1DT2H\r\nEND:VEVENT\r\n"))
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 3, 0)
	f.Fuzz(func(t *testing.T, feed string) {
		entries, err := ical.Parse(strings.NewReader(feed), loc, from, to)
		if err != nil {
			return
		}
		for _, e := range entries {
			if !e.End.After(e.Start) || !e.End.After(from) || !e.Start.Before(to) {
				t.Fatalf("entry %v..%v outside the window or empty", e.Start, e.End)
			}
		}
		oncall.Build("t", oncall.SourceICal, from, from, to, loc, entries, func(p oncall.Person) string { return p.Email })
	})
}
