package oncall_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// BenchmarkCurrent shows that the cost of Current does not grow with the
// distance from the anchor: it must not walk the rotation's history.
func BenchmarkCurrent(b *testing.B) {
	chicago := zone(b, "America/Chicago")
	r := oncall.Rotation{Team: "platform", Members: members, ShiftDays: 7,
		Handoff: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, Location: chicago}
	overrides := []oncall.Override{{ID: "o1", Team: "platform", User: "UXAVIER",
		Start: at(b, "2026-03-03T00:00:00Z"), End: at(b, "2026-03-04T00:00:00Z")}}
	for _, years := range []int{0, 10, 1000} {
		t := at(b, "2024-01-10T00:00:00Z").AddDate(years, 0, 0)
		b.Run(fmt.Sprintf("years=%d", years), func(b *testing.B) {
			for b.Loop() {
				r.Current(t, overrides)
			}
		})
	}
}

// BenchmarkShiftsYear measures listing a year of weekly shifts, as the report does.
func BenchmarkShiftsYear(b *testing.B) {
	chicago := zone(b, "America/Chicago")
	r := oncall.Rotation{Team: "platform", Members: members, ShiftDays: 7,
		Handoff: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, Location: chicago}
	from, to := at(b, "2026-01-01T00:00:00Z"), at(b, "2027-01-01T00:00:00Z")
	for b.Loop() {
		r.Shifts(from, to, nil)
	}
}

// BenchmarkRosterYear resolves who is on call from a cached schedule of one
// year of daily shifts fetched from a source, with one swap on top: the
// lookup routing and every status read make. The target is under 2µs.
func BenchmarkRosterYear(b *testing.B) {
	chicago := zone(b, "America/Chicago")
	from := time.Date(2026, 1, 1, 9, 0, 0, 0, chicago)
	var entries []oncall.Entry
	for d := range 366 {
		entries = append(entries, oncall.Entry{Who: oncall.Person{Email: fmt.Sprintf("p%d@example.com", d%5)},
			Start: from.AddDate(0, 0, d), End: from.AddDate(0, 0, d+1)})
	}
	mapUser := func(p oncall.Person) string { return "U" + p.Email[:2] }
	r := oncall.FeedRoster("platform", oncall.SourceICal, chicago)
	r.Set(oncall.Build("platform", oncall.SourceICal, from, from, from.AddDate(1, 0, 1), chicago, entries, mapUser))
	overrides := []oncall.Override{{ID: "o1", Team: "platform", User: "UXAVIER",
		Start: at(b, "2026-07-03T00:00:00Z"), End: at(b, "2026-07-04T00:00:00Z")}}
	for _, tc := range []struct{ name, at string }{{"no-swap-that-day", "2026-09-03T12:00:00Z"}, {"inside-a-swap", "2026-07-03T12:00:00Z"}} {
		t := at(b, tc.at)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				r.Current(t, overrides)
			}
		})
	}
}
