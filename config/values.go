package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Clock is a local time of day, interpreted in the team's time zone.
type Clock struct {
	Hour, Minute int
}

// String formats the clock as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Minutes returns the minutes since midnight, for comparisons.
func (c Clock) Minutes() int { return c.Hour*60 + c.Minute }

// Handoff is when an on-call shift changes hands, in the team's time zone.
// The "Ddd HH:MM" form sets Weekday and HasWeekday; the "HH:MM" form leaves
// HasWeekday false, meaning "at this time on the day the shift ends".
type Handoff struct {
	Weekday    time.Weekday
	HasWeekday bool
	At         Clock
}

// String formats the handoff the way it is written in the config.
func (h Handoff) String() string {
	if !h.HasWeekday {
		return h.At.String()
	}
	return h.Weekday.String()[:3] + " " + h.At.String()
}

var (
	weekPrefix  = regexp.MustCompile(`^(?:(\d+)w)?(?:(\d+)d)?(.*)$`)
	wholeDays   = regexp.MustCompile(`^(\d+)([dw])$`)
	clockRE     = regexp.MustCompile(`^([01]?\d|2[0-3]):([0-5]\d)$`)
	percentRE   = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*%$`)
	durationEg  = "use a number and a unit: 30s, 15m, 4h, 1d, 2w or 1h30m"
	day         = 24 * time.Hour
	urgencyName = map[string]string{
		"p1": "P1", "critical": "P1",
		"p2": "P2", "high": "P2",
		"p3": "P3", "normal": "P3",
		"p4": "P4", "low": "P4",
	}
)

// parseDuration reads a Go duration extended with leading whole weeks (w)
// and days (d), such as 2w, 1d12h or 90m. Negative durations are refused.
func parseDuration(s string) (time.Duration, *problem) {
	bad := &problem{msg: fmt.Sprintf("must be a duration, got %q", s), hint: durationEg}
	if s == "0" {
		return 0, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		bad.hint = "a number needs a unit, e.g. " + s + "h or " + s + "m"
		return 0, bad
	}
	if strings.HasPrefix(s, "-") {
		return 0, &problem{msg: fmt.Sprintf("must not be negative, got %q", s)}
	}
	m := weekPrefix.FindStringSubmatch(s)
	var d time.Duration
	for i, unit := range []time.Duration{7 * day, day} {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.Atoi(m[i+1])
		if err != nil || n > 10000 {
			return 0, bad
		}
		d += time.Duration(n) * unit
	}
	rest := m[3]
	if rest == "" {
		if d == 0 && m[1] == "" && m[2] == "" {
			return 0, bad
		}
		return d, nil
	}
	if c := rest[0]; (c < '0' || c > '9') && c != '.' {
		return 0, bad
	}
	r, err := time.ParseDuration(rest)
	if err != nil {
		return 0, bad
	}
	return d + r, nil
}

// parseDays reads a whole number of days or weeks (Nd or Nw), the unit of
// shifts and sprints, which must line up with calendar days. Zero is refused.
func parseDays(s string) (time.Duration, *problem) {
	m := wholeDays.FindStringSubmatch(s)
	if m != nil {
		n, err := strconv.Atoi(m[1])
		if err == nil && n > 0 && n <= 3650 {
			if m[2] == "w" {
				return time.Duration(n) * 7 * day, nil
			}
			return time.Duration(n) * day, nil
		}
	}
	return 0, &problem{
		msg:  fmt.Sprintf("must be a whole number of days or weeks, got %q", s),
		hint: "write it as Nd or Nw, e.g. 1d, 14d or 2w",
	}
}

// parsePercent reads "20%" as the fraction 0.2. A bare number is refused
// because 0.2 and 20 would both be plausible readings; the hint shows how to
// write what was probably meant.
func parsePercent(s string) (float64, *problem) {
	if m := percentRE.FindStringSubmatch(s); m != nil {
		v, err := strconv.ParseFloat(m[1], 64)
		if err == nil {
			return v / 100, nil
		}
	}
	bad := &problem{msg: fmt.Sprintf("must be a percentage such as 20%%, got %q", s)}
	if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 {
		if v <= 1 {
			v *= 100
		}
		bad.hint = "write " + strconv.FormatFloat(v, 'f', -1, 64) + "%"
	}
	return 0, bad
}

// parseDate reads a civil date YYYY-MM-DD as midnight UTC.
func parseDate(s string) (time.Time, *problem) {
	t, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
	if err != nil {
		return time.Time{}, &problem{
			msg:  fmt.Sprintf("must be a date YYYY-MM-DD, got %q", s),
			hint: "for example 2026-01-05",
		}
	}
	return t, nil
}

// parseClock reads a 24-hour HH:MM time of day.
func parseClock(s string) (Clock, *problem) {
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return Clock{}, &problem{
			msg:  fmt.Sprintf("must be a time of day HH:MM, got %q", s),
			hint: "24-hour clock, e.g. \"09:00\" or \"18:30\"",
		}
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return Clock{Hour: h, Minute: mi}, nil
}

// parseWeekday reads Mon..Sun or the full English name, in any case.
func parseWeekday(s string) (time.Weekday, *problem) {
	l := strings.ToLower(s)
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if l == name || l == name[:3] {
			return d, nil
		}
	}
	return 0, &problem{
		msg:  fmt.Sprintf("must be a weekday, got %q", s),
		hint: "use Mon, Tue, Wed, Thu, Fri, Sat or Sun",
	}
}

// parseHandoff reads "Ddd HH:MM" or "HH:MM".
func parseHandoff(s string) (Handoff, *problem) {
	bad := &problem{
		msg:  fmt.Sprintf("must be \"Ddd HH:MM\" or \"HH:MM\", got %q", s),
		hint: "for example \"Mon 10:00\"",
	}
	fields := strings.Fields(s)
	var h Handoff
	switch len(fields) {
	case 1:
	case 2:
		wd, p := parseWeekday(fields[0])
		if p != nil {
			return Handoff{}, bad
		}
		h.Weekday, h.HasWeekday = wd, true
	default:
		return Handoff{}, bad
	}
	c, p := parseClock(fields[len(fields)-1])
	if p != nil {
		return Handoff{}, bad
	}
	h.At = c
	return h, nil
}

// parseUrgency normalises P1..P4 and their names to "P1".."P4".
func parseUrgency(s string) (string, *problem) {
	if u, ok := urgencyName[strings.ToLower(s)]; ok {
		return u, nil
	}
	return "", &problem{
		msg:  fmt.Sprintf("urgency %q is not one of P1, P2, P3, P4", s),
		hint: "critical, high, normal and low also work",
	}
}

// parseZone loads an IANA time zone. "Local" and "" are refused: the host's
// zone is not a property of the team.
func parseZone(s string) (*time.Location, *problem) {
	bad := &problem{
		msg:  fmt.Sprintf("unknown time zone %q", s),
		hint: "use an IANA name such as Europe/Paris",
	}
	if s == "" || strings.EqualFold(s, "local") {
		return nil, bad
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, bad
	}
	return loc, nil
}
