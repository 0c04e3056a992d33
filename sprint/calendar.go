// Package sprint computes the sprint calendar and keeps each sprint's
// interrupt-budget ledger. It is pure logic with no I/O; every function takes
// the instant it reasons about as a parameter.
package sprint

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxLengthDays is the longest sprint accepted; a longer one is a typo.
const MaxLengthDays = 366

// Sentinel errors returned (wrapped) by Calendar.Validate and ParseLength.
var (
	// ErrNoLocation means a calendar has no time zone.
	ErrNoLocation = errors.New("time zone is missing; use an IANA name such as Europe/Paris")
	// ErrNoStart means a calendar has no start date.
	ErrNoStart = errors.New("sprint start is missing; give the first day of any sprint, such as 2026-03-02")
	// ErrBadLength means a sprint length is not a whole number of days or
	// weeks between 1 day and MaxLengthDays.
	ErrBadLength = errors.New("sprint length must be a whole number of days or weeks such as 14d or 2w")
)

// Calendar is a repeating sprint schedule: sprints of LengthDays local days
// starting at local midnight of Start's date in Location, repeating forward
// and backward. Sprint 1 is the one that begins on Start's date, as people
// count; the one before it is sprint 0. It is a
// value whose methods are safe for concurrent use; methods other than
// Validate assume Validate returned nil and may panic otherwise.
//
// Sprint numbers are relative to Start: moving Start to another sprint's
// first day keeps the boundaries but renumbers the sprints.
type Calendar struct {
	Start      time.Time // only its local date in Location matters
	LengthDays int
	Location   *time.Location
}

// Sprint is one sprint: [Start, End) in the calendar's Location, both at local
// midnight. N is 1 for the sprint that begins on the calendar's Start, and 0
// or negative for sprints before it. It is a
// plain value, safe for concurrent use.
type Sprint struct {
	N     int
	Start time.Time
	End   time.Time
}

// Validate reports every problem at once, each wrapping ErrNoLocation,
// ErrNoStart or ErrBadLength.
func (c Calendar) Validate() error {
	var errs []error
	if c.Location == nil {
		errs = append(errs, fmt.Errorf("check sprint calendar: %w", ErrNoLocation))
	}
	if c.Start.IsZero() {
		errs = append(errs, fmt.Errorf("check sprint calendar: %w", ErrNoStart))
	}
	if c.LengthDays <= 0 || c.LengthDays > MaxLengthDays {
		errs = append(errs, fmt.Errorf("check sprint length of %d days: %w", c.LengthDays, ErrBadLength))
	}
	return errors.Join(errs...)
}

// ParseLength parses a sprint length such as "14d", "2w" or "10" (days) into
// days. It is safe for concurrent use.
func ParseLength(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(t, "w"):
		t, mult = t[:len(t)-1], 7
	case strings.HasSuffix(t, "d"):
		t = t[:len(t)-1]
	}
	n, err := strconv.Atoi(t)
	if err != nil || t == "" || t[0] < '0' || t[0] > '9' || n <= 0 || n > MaxLengthDays/mult {
		return 0, fmt.Errorf("parse sprint length %q: %w", s, ErrBadLength)
	}
	return n * mult, nil
}

// startDay returns the local date sprint 1 begins on.
func (c Calendar) startDay() int64 { return dayOf(c.Start.In(c.Location)) }

// Number returns sprint n.
func (c Calendar) Number(n int) Sprint {
	first := c.startDay() + int64(n-1)*int64(c.LengthDays)
	return Sprint{
		N:     n,
		Start: midnight(first, c.Location),
		End:   midnight(first+int64(c.LengthDays), c.Location),
	}
}

// At returns the sprint that contains t. It computes the number from the
// local date, then corrects by one where a skipped midnight moved a
// boundary, so its cost does not depend on how far t is from Start.
func (c Calendar) At(t time.Time) Sprint {
	days := dayOf(t.In(c.Location)) - c.startDay()
	n := int(floorDiv(days, int64(c.LengthDays))) + 1
	s := c.Number(n)
	for s.Start.After(t) {
		n--
		s = c.Number(n)
	}
	for !s.End.After(t) {
		n++
		s = c.Number(n)
	}
	return s
}

// Contains reports whether t falls within the sprint.
func (s Sprint) Contains(t time.Time) bool {
	return !t.Before(s.Start) && t.Before(s.End)
}

// Days returns the sprint's length in local calendar days.
func (s Sprint) Days() int {
	return int(dayOf(s.End) - dayOf(s.Start))
}

// LastDay returns the sprint's last local day as YYYY-MM-DD.
func (s Sprint) LastDay() string {
	return dateString(dayOf(s.End) - 1)
}

// DaysLeft returns how many local calendar days of the sprint remain at t,
// counting t's own day: the sprint's length before it starts, 1 on its last
// day, 0 once it has ended. Days are counted in the sprint's location.
func (s Sprint) DaysLeft(t time.Time) int {
	if !t.Before(s.End) {
		return 0
	}
	if t.Before(s.Start) {
		return s.Days()
	}
	return int(dayOf(s.End) - dayOf(t.In(s.Start.Location())))
}

// Label returns a human label naming the sprint and its first and last local
// days (both inclusive), e.g. "Sprint 12 (2026-03-02 – 2026-03-15)".
func (s Sprint) Label() string {
	return fmt.Sprintf("Sprint %d (%s – %s)", s.N, s.Start.Format(time.DateOnly), s.LastDay())
}
