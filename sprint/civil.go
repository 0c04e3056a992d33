package sprint

import "time"

// These helpers mirror the ones in package oncall on purpose: both packages
// are pure leaves that depend on nothing of ours.

const secondsPerDay = 86400

// civilDay returns the date y-m-d as a number of days since 1970-01-01, so
// that "n sprints later" is integer arithmetic on local calendar days.
func civilDay(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
}

// civilDate is the inverse of civilDay.
func civilDate(day int64) (int, time.Month, int) {
	return time.Unix(day*secondsPerDay, 0).UTC().Date()
}

// dayOf returns the local calendar date of t, in t's own location, as a day number.
func dayOf(t time.Time) int64 {
	y, m, d := t.Date()
	return civilDay(y, m, d)
}

// dateString formats a day number as YYYY-MM-DD.
func dateString(day int64) string {
	return time.Unix(day*secondsPerDay, 0).UTC().Format(time.DateOnly)
}

// wallSeconds returns t's local wall clock as seconds since 1970-01-01 00:00
// of that same wall clock.
func wallSeconds(t time.Time) int64 {
	_, off := t.Zone()
	return t.Unix() + int64(off)
}

// floorDiv divides rounding towards negative infinity, so that instants
// before Start fall into negative sprints rather than sprint zero.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// midnight returns the instant a local day begins in loc. Where a DST change
// skips midnight (America/Santiago, America/Havana) the day begins at the end
// of the gap; where midnight happens twice, at its first occurrence.
// time.Date alone may pick either side in both cases.
func midnight(day int64, loc *time.Location) time.Time {
	y, m, d := civilDate(day)
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := day * secondsPerDay
	got := wallSeconds(t)
	switch {
	case got == want:
		start, _ := t.ZoneBounds()
		if start.IsZero() {
			return t
		}
		_, prevOff := start.Add(-time.Second).Zone()
		if c := time.Unix(want-int64(prevOff), 0).In(loc); c.Before(start) && wallSeconds(c) == want {
			return c
		}
	case got > want:
		if start, _ := t.ZoneBounds(); !start.IsZero() {
			return start.In(loc)
		}
	default:
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end.In(loc)
		}
	}
	return t
}
