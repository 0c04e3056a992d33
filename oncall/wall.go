package oncall

import "time"

// secondsPerDay is the length of a civil day in the proleptic calendar used to
// count dates; it is never used to add time to an instant.
const secondsPerDay = 86400

// civilDay returns the date y-m-d as a number of days since 1970-01-01. Dates
// are counted this way so that "k shifts later" is plain integer arithmetic on
// local calendar days, independent of any time zone's offsets.
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

// weekdayOf returns the weekday of a day number; 1970-01-01 was a Thursday.
func weekdayOf(day int64) time.Weekday {
	return time.Weekday((floorMod(day, 7) + int64(time.Thursday)) % 7)
}

// wallSeconds returns t's local wall clock, in t's own location, as seconds
// since 1970-01-01 00:00 of that same wall clock.
func wallSeconds(t time.Time) int64 {
	_, off := t.Zone()
	return t.Unix() + int64(off)
}

// floorDiv divides rounding towards negative infinity, so that instants
// before an anchor fall into negative periods rather than period zero.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// floorMod is the remainder matching floorDiv; it is never negative for b > 0.
func floorMod(a, b int64) int64 {
	m := a % b
	if m != 0 && (m < 0) != (b < 0) {
		m += b
	}
	return m
}

// resolveWall returns the instant at which the wall clock in loc reads
// hour:minute on the given day. A wall time skipped by a transition (a DST
// gap) resolves to the end of the gap, the first wall time that does exist
// after it; a wall time that happens twice resolves to its first occurrence.
// time.Date alone cannot be used: for such times it may pick either side.
func resolveWall(day int64, hour, minute int, loc *time.Location) time.Time {
	y, m, d := civilDate(day)
	t := time.Date(y, m, d, hour, minute, 0, 0, loc)
	want := day*secondsPerDay + int64(hour*3600+minute*60)
	got := wallSeconds(t)
	switch {
	case got == want:
		return firstOccurrence(t, want, loc)
	case got > want:
		// t was computed with the offset from before the transition, so it
		// lies past the gap; the gap ends where t's zone period begins.
		if start, _ := t.ZoneBounds(); !start.IsZero() {
			return start.In(loc)
		}
	default:
		// t was computed with the offset from after the transition, so it
		// lies before the gap; the gap ends where t's zone period ends.
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end.In(loc)
		}
	}
	return t
}

// firstOccurrence returns the earliest instant whose wall clock is want,
// given t, one instant that has it. Only the zone period just before t's can
// hold an earlier occurrence (the repeated hour at a fall-back).
func firstOccurrence(t time.Time, want int64, loc *time.Location) time.Time {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, prevOff := start.Add(-time.Second).Zone()
	c := time.Unix(want-int64(prevOff), 0).In(loc)
	if c.Before(start) && wallSeconds(c) == want {
		return c
	}
	return t
}
