package oncall

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors returned (wrapped) by the parsers and validators in this
// package; test for them with errors.Is.
var (
	// ErrBadShift means a shift length is not a positive whole number of
	// days or weeks, or is longer than MaxShiftDays.
	ErrBadShift = errors.New("shift must be a whole number of days or weeks such as 1d, 3d, 1w or 2w")
	// ErrBadHandoff means a handoff is not "[weekday] HH:MM".
	ErrBadHandoff = errors.New(`handoff must be "[weekday] HH:MM" such as "Mon 10:00" or "09:30"`)
	// ErrBadClock means a wall time is not HH:MM within 00:00..23:59 (24:00
	// is accepted by ParseClock only, as the end of a day).
	ErrBadClock = errors.New("time of day must be HH:MM between 00:00 and 24:00")
)

// MaxShiftDays is the longest shift ParseShift and Validate accept. Nobody
// rotates on-call less than once a year; a longer value is a typo such as
// "70w" and would silently leave one person on call for ever.
const MaxShiftDays = 366

// Handoff is when shifts change: a weekday (only meaningful for shifts that
// are a whole number of weeks; for day-based shifts Weekday is ignored) and a
// local wall time. It is a plain value, safe for concurrent use.
type Handoff struct {
	Weekday    time.Weekday
	HasWeekday bool
	Hour       int
	Minute     int
}

// String returns the handoff in the form ParseHandoff accepts, e.g. "Mon 10:00".
func (h Handoff) String() string {
	clock := fmt.Sprintf("%02d:%02d", h.Hour, h.Minute)
	if !h.HasWeekday {
		return clock
	}
	return h.Weekday.String()[:3] + " " + clock
}

// validate reports whether the fields are in range; it exists because a
// Handoff may be built directly rather than parsed.
func (h Handoff) validate() error {
	if h.Hour < 0 || h.Hour > 23 || h.Minute < 0 || h.Minute > 59 {
		return fmt.Errorf("check handoff %02d:%02d: %w", h.Hour, h.Minute, ErrBadHandoff)
	}
	if h.HasWeekday && (h.Weekday < time.Sunday || h.Weekday > time.Saturday) {
		return fmt.Errorf("check handoff weekday %d: %w", h.Weekday, ErrBadHandoff)
	}
	return nil
}

// ParseHandoff parses "Mon 10:00", "monday 09:30" or "10:00". Weekdays are
// English, case-insensitive, written in full or shortened to at least three
// letters ("tue", "thurs"). It is safe for concurrent use.
func ParseHandoff(s string) (Handoff, error) {
	fields := strings.Fields(s)
	var h Handoff
	switch len(fields) {
	case 1:
	case 2:
		wd, ok := parseWeekday(fields[0])
		if !ok {
			return Handoff{}, fmt.Errorf("parse handoff %q: unknown weekday %q: %w", s, fields[0], ErrBadHandoff)
		}
		h.Weekday, h.HasWeekday = wd, true
	default:
		return Handoff{}, fmt.Errorf("parse handoff %q: %w", s, ErrBadHandoff)
	}
	hour, minute, err := ParseClock(fields[len(fields)-1])
	if err != nil || hour == 24 {
		return Handoff{}, fmt.Errorf("parse handoff %q: %w", s, ErrBadHandoff)
	}
	h.Hour, h.Minute = hour, minute
	return h, nil
}

// parseWeekday accepts a full English weekday name or a prefix of at least
// three letters of one.
func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(s)
	if len(s) < 3 {
		return 0, false
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if strings.HasPrefix(strings.ToLower(wd.String()), s) {
			return wd, true
		}
	}
	return 0, false
}

// ParseClock parses a wall time "HH:MM" (the hour may have one digit) into
// hour and minute. "24:00" is accepted as the end of a day, for the end of
// business hours; callers that need a time within the day reject hour 24.
// It is safe for concurrent use.
func ParseClock(s string) (hour, minute int, err error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !digits(hs) || !digits(ms) {
		return 0, 0, fmt.Errorf("parse clock %q: %w", s, ErrBadClock)
	}
	hour, _ = strconv.Atoi(hs)
	minute, _ = strconv.Atoi(ms)
	if minute > 59 || hour > 24 || (hour == 24 && minute != 0) {
		return 0, 0, fmt.Errorf("parse clock %q: %w", s, ErrBadClock)
	}
	return hour, minute, nil
}

// digits reports whether s is made only of ASCII digits; strconv.Atoi alone
// would also accept a sign.
func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseShift parses "1w", "2w", "1d", "3d", "7d" into whole days (> 0, at most
// MaxShiftDays). The unit is case-insensitive. It is safe for concurrent use.
func ParseShift(s string) (days int, err error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if len(t) < 2 {
		return 0, fmt.Errorf("parse shift %q: %w", s, ErrBadShift)
	}
	num, unit := t[:len(t)-1], t[len(t)-1]
	if !digits(num) || len(num) > 4 {
		return 0, fmt.Errorf("parse shift %q: %w", s, ErrBadShift)
	}
	n, _ := strconv.Atoi(num)
	switch unit {
	case 'd':
		days = n
	case 'w':
		days = 7 * n
	default:
		return 0, fmt.Errorf("parse shift %q: %w", s, ErrBadShift)
	}
	if days <= 0 || days > MaxShiftDays {
		return 0, fmt.Errorf("parse shift %q: %w", s, ErrBadShift)
	}
	return days, nil
}
