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
