package report

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadWeek is returned, wrapped, by ParseWeek when the text is not an ISO
// 8601 week such as "2026-W47", or names a week its year does not have.
var ErrBadWeek = errors.New("not an ISO week (write e.g. 2026-W47)")

// Window is a half-open span of time [Start, End). Windows are plain values,
// safe for concurrent use.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Contains reports whether t falls in [w.Start, w.End).
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Start) && t.Before(w.End)
}

// Label returns the ISO 8601 week of w.Start, e.g. "2026-W47". It is meant
// for windows made by WeekOf or ParseWeek; it may be called concurrently.
func (w Window) Label() string {
	y, n := w.Start.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, n)
}

// WeekOf returns the ISO week containing t in loc: from Monday 00:00 local
// to the next Monday 00:00 local, which is 167 or 169 hours apart in a week
// with a daylight-saving change. A nil loc means UTC. It may be called
// concurrently.
func WeekOf(t time.Time, loc *time.Location) Window {
	loc = orUTC(loc)
	local := t.In(loc)
	back := (int(local.Weekday()) + 6) % 7 // days since Monday
	y, m, d := local.Date()
	return Window{Start: midnight(y, m, d-back, loc), End: midnight(y, m, d-back+7, loc)}
}

// PickWeek reads "this" (or ""), "last" (the last full week) or an ISO
// week such as "2026-W47", in loc at now. It may be called concurrently.
func PickWeek(s string, loc *time.Location, now time.Time) (Window, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "this", "":
		return WeekOf(now, loc), nil
	case "last":
		return WeekOf(WeekOf(now, loc).Start.Add(-time.Hour), loc), nil
	}
	return ParseWeek(s, loc)
}

// ParseWeek parses an ISO 8601 week, "2026-W47" (also "2026W47" and a
// lower-case w), into that week in loc. A nil loc means UTC. It returns an
// error wrapping ErrBadWeek for anything else, including week 53 of a year
// that has only 52. It may be called concurrently.
func ParseWeek(s string, loc *time.Location) (Window, error) {
	year, week, ok := splitWeek(strings.TrimSpace(s))
	if !ok || week < 1 || week > weeksIn(year) {
		return Window{}, fmt.Errorf("parse week %q: %w", s, ErrBadWeek)
	}
	// Week 1 is the week holding 4 January.
	jan4 := time.Date(year, time.January, 4, 0, 0, 0, 0, time.UTC)
	monday := 4 - (int(jan4.Weekday())+6)%7 + (week-1)*7
	loc = orUTC(loc)
	return Window{Start: midnight(year, time.January, monday, loc), End: midnight(year, time.January, monday+7, loc)}, nil
}

func splitWeek(s string) (year, week int, ok bool) {
	y, w, found := strings.Cut(strings.ToUpper(s), "W")
	y = strings.TrimSuffix(y, "-")
	if !found || len(y) != 4 || len(w) != 2 {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || y[0] == '+' || y[0] == '-' || w[0] == '+' || w[0] == '-' {
		return 0, 0, false
	}
	return year, week, true
}

// weeksIn returns 52 or 53: a year has 53 ISO weeks when 28 December, which
// is always in the year's last week, falls in week 53.
func weeksIn(year int) int {
	_, w := time.Date(year, time.December, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// midnight returns the first instant of local date y-m-d in loc (m and d may
// be out of range, as with time.Date). Where a daylight-saving gap swallows
// midnight (America/Santiago, America/Havana), the day starts at the end of
// the gap; time.Date alone may answer the previous evening instead.
func midnight(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if ty, tm, td := t.Date(); time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Before(want) {
		_, end := t.ZoneBounds()
		return end
	}
	return t
}

// addDays returns local midnight n calendar days after t's local date.
func addDays(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	return midnight(y, m, d+n, t.Location())
}

// daysBetween counts the calendar days from a's local date to b's local date.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
