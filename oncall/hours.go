package oncall

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors returned (wrapped) by BusinessHours.Validate and ParseDate.
var (
	// ErrBadHours means business hours have no days, a start not before
	// their end, or an invalid weekday.
	ErrBadHours = errors.New("business hours need at least one weekday and a start before the end, such as Mon-Fri 09:00-18:00")
	// ErrBadDate means a date is not a real YYYY-MM-DD calendar date.
	ErrBadDate = errors.New("date must be YYYY-MM-DD, such as 2026-12-25")
)

// Clock is a wall time of day. Hour 24 with Minute 0 means the end of the day
// and is only meaningful as BusinessHours.End. It is a plain value.
type Clock struct {
	Hour, Minute int
}

// String returns the clock as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// minutes returns the minutes since midnight.
func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// Date is a civil calendar date, without a time zone. It is a plain value.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD" and rejects dates that do not exist such as
// 2026-02-30. It is safe for concurrent use.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, ErrBadDate)
	}
	y, m, d := t.Date()
	return Date{y, m, d}, nil
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// day returns the date as a day number, or false if it does not exist.
func (d Date) day() (int64, bool) {
	n := civilDay(d.Year, d.Month, d.Day)
	y, m, dd := civilDate(n)
	return n, y == d.Year && m == d.Month && dd == d.Day
}

// BusinessHours is a team's working calendar: open on Days from Start to End
// (End exclusive) local time, except on Holidays. Windows that cross midnight
// are not supported: after-hours is the complement of business hours. It is
// a value whose methods are safe for concurrent use as long as nobody
// mutates its slices; methods other than Validate assume Validate returned nil.
type BusinessHours struct {
	Days     []time.Weekday
	Start    Clock
	End      Clock
	Location *time.Location
	Holidays []Date
}

// Validate reports every problem at once, each wrapping ErrBadHours,
// ErrBadDate or ErrNoLocation.
func (b BusinessHours) Validate() error {
	var errs []error
	if b.Location == nil {
		errs = append(errs, fmt.Errorf("check business hours: %w", ErrNoLocation))
	}
	if len(b.Days) == 0 {
		errs = append(errs, fmt.Errorf("check business hours: no days: %w", ErrBadHours))
	}
	for _, d := range b.Days {
		if d < time.Sunday || d > time.Saturday {
			errs = append(errs, fmt.Errorf("check business hours weekday %d: %w", d, ErrBadHours))
		}
	}
	s, e := b.Start.minutes(), b.End.minutes()
	if b.Start.Hour < 0 || b.Start.Minute < 0 || b.Start.Minute > 59 || b.End.Minute < 0 || b.End.Minute > 59 ||
		s >= e || e > 24*60 {
		errs = append(errs, fmt.Errorf("check business hours %v-%v: %w", b.Start, b.End, ErrBadHours))
	}
	for _, h := range b.Holidays {
		if _, ok := h.day(); !ok {
			errs = append(errs, fmt.Errorf("check holiday %v: %w", h, ErrBadDate))
		}
	}
	return errors.Join(errs...)
}

// openDay reports whether the local date is a working day.
func (b BusinessHours) openDay(day int64, holidays map[int64]bool) bool {
	return !holidays[day] && containsWeekday(b.Days, weekdayOf(day))
}

// holiday reports whether day is one of Holidays. Contains runs for every
// request classified, and a scan of a handful of dates costs less than the
// map holidaySet builds.
func (b BusinessHours) holiday(day int64) bool {
	for _, h := range b.Holidays {
		if n, ok := h.day(); ok && n == day {
			return true
		}
	}
	return false
}

// holidaySet indexes Holidays by day number.
func (b BusinessHours) holidaySet() map[int64]bool {
	set := make(map[int64]bool, len(b.Holidays))
	for _, h := range b.Holidays {
		if n, ok := h.day(); ok {
			set[n] = true
		}
	}
	return set
}

func containsWeekday(days []time.Weekday, wd time.Weekday) bool {
	for _, d := range days {
		if d == wd {
			return true
		}
	}
	return false
}

// Contains reports whether t falls within business hours, judged by the local
// wall clock in Location.
func (b BusinessHours) Contains(t time.Time) bool {
	local := t.In(b.Location)
	if day := dayOf(local); !containsWeekday(b.Days, weekdayOf(day)) || b.holiday(day) {
		return false
	}
	h, m, _ := local.Clock()
	mins := h*60 + m
	return mins >= b.Start.minutes() && mins < b.End.minutes()
}

// NextOpen returns t itself if business hours contain it, else the instant
// they next open, in Location. An opening time skipped by DST opens at the
// end of the gap. It returns the zero Time when the calendar never opens
// (no days, or every working day a holiday).
func (b BusinessHours) NextOpen(t time.Time) time.Time {
	if b.Contains(t) {
		return t
	}
	local := t.In(b.Location)
	today := dayOf(local)
	holidays := b.holidaySet()
	// Each blocked week needs at least one holiday, so this bounds the search
	// without an arbitrary horizon.
	limit := today + 7*int64(len(holidays)+2)
	for day := today; day <= limit; day++ {
		if !b.openDay(day, holidays) {
			continue
		}
		if day == today {
			if open, ok := b.openingToday(local, day); ok {
				return open
			}
			continue
		}
		return resolveWall(day, b.Start.Hour, b.Start.Minute, b.Location)
	}
	return time.Time{}
}

// openingToday returns today's opening if it is still ahead of local. Around
// a fall-back the opening wall time may come round twice, so the offsets in
// force now and after the next transition are both tried before the
// gap-aware resolution.
func (b BusinessHours) openingToday(local time.Time, day int64) (time.Time, bool) {
	want := day*secondsPerDay + int64(b.Start.minutes()*60)
	_, off := local.Zone()
	offsets := []int{off}
	if _, end := local.ZoneBounds(); !end.IsZero() {
		_, next := end.Zone()
		offsets = append(offsets, next)
	}
	for _, o := range offsets {
		c := time.Unix(want-int64(o), 0).In(b.Location)
		if c.After(local) && wallSeconds(c) == want {
			return c, true
		}
	}
	open := resolveWall(day, b.Start.Hour, b.Start.Minute, b.Location)
	return open, open.After(local)
}
