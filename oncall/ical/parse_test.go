package ical_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones on machines without zoneinfo

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/oncall/ical"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// label maps a person to what the tests compare: the e-mail, else the name.
func label(p oncall.Person) string {
	if p.Email != "" {
		return p.Email
	}
	return p.Name
}

// timeline parses a fixture and builds the schedule the team would route on.
func timeline(t testing.TB, file string, loc *time.Location, from, to time.Time) *oncall.Timeline {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ical.Parse(f, loc, from, to)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return oncall.Build("platform", oncall.SourceICal, from, from, to, loc, entries, label)
}

func TestExports(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	local := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02T15:04", s, chicago)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	from, to := local("2026-10-01T00:00"), local("2027-01-31T00:00")
	type probe struct{ at, who string }
	tests := []struct {
		file   string
		probes []probe
	}{
		{"google.ics", []probe{
			{"2026-11-01T12:00", ""}, // before the first shift
			{"2026-11-02T10:00", "alice@example.com"},
			{"2026-11-09T08:59", "alice@example.com"},
			{"2026-11-09T09:00", "bob@example.com"}, // the ATTENDEE's address, lowercased
			{"2026-11-16T09:00", "alice@example.com"},
			{"2026-11-23T10:00", ""}, // RECURRENCE-ID moved Bob's start to 12:00
			{"2026-11-23T12:00", "bob@example.com"},
			{"2026-11-26T00:00", "Carol Diaz"}, // all-day: the team's whole day, named in SUMMARY only
			{"2026-11-26T23:59", "Carol Diaz"},
			{"2026-11-27T00:00", "bob@example.com"},
			{"2026-12-01T10:00", ""}, // EXDATE took Alice's week out
			{"2026-12-08T10:00", "bob@example.com"},
			{"2027-01-12T10:00", "alice@example.com"}, // the unbounded RRULE goes on
		}},
		{"pagerduty.ics", []probe{
			{"2026-11-02T09:00", "alice@example.com"},
			{"2026-11-09T09:00", "bob@example.com"},
			{"2026-11-10T18:00", "dana@example.com"}, // an override layer inside Bob's week
			{"2026-11-11T00:00", "bob@example.com"},
			{"2026-11-16T09:00", ""},
		}},
		{"opsgenie.ics", []probe{
			{"2026-11-02T09:00", "alice@example.com"},
			{"2026-11-03T09:00", "bob@example.com"},
		}},
		{"goalert.ics", []probe{
			{"2026-11-02T09:00", "Alice Smith"},
			{"2026-11-09T08:59", "Alice Smith"},
			{"2026-11-09T09:00", "Bob Jones"},
		}},
		{"grafana-oncall.ics", []probe{
			{"2026-11-02T09:00", "alice"},
			{"2026-11-03T09:00", "bob"},
			{"2026-11-04T11:59", "alice"},
			{"2026-11-04T12:00", "carol"},
			{"2026-11-04T13:00", "alice"},
			{"2026-11-30T10:00", "alice"},
			{"2026-12-01T10:00", "bob"}, // UNTIL 2026-12-01 15:00Z includes its own instant
			{"2026-12-02T10:00", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tl := timeline(t, tt.file, chicago, from, to)
			for _, p := range tt.probes {
				s := tl.Current(local(p.at), nil, chicago)
				got := s.User // label() maps everyone, so User holds the person
				if got != p.who {
					t.Errorf("at %s: on call %q, want %q", p.at, got, p.who)
				}
			}
		})
	}
}
