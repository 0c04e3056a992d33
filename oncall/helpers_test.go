package oncall_test

import (
	"testing"
	"time"
	_ "time/tzdata" // so the tests pass on machines without a zoneinfo database
)

// members is the rotation used throughout the tests.
var members = []string{"UALICE", "UBOB", "UCAROL"}

// zone loads an IANA zone or stops the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// at parses an RFC 3339 instant or stops the test.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}

// date parses a YYYY-MM-DD date as midnight in loc or stops the test.
// Rotations use the date in their own location, so the date must be given there.
func date(t testing.TB, s string, loc *time.Location) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}
