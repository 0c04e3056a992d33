package ical

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// when reads a DATE or DATE-TIME property: UTC ("Z"), with a TZID, or
// floating (no zone: the team's). A DATE is midnight of that day in the
// team's zone: an all-day shift covers the team's day.
func (p *parser) when(prop *ics.IANAProperty) (time.Time, bool, error) {
	v := strings.TrimSpace(prop.Value)
	loc := p.loc
	if ids := prop.ICalParameters[string(ics.ParameterTzid)]; len(ids) > 0 && !strings.HasSuffix(v, "Z") {
		var err error
		if loc, err = zone(ids[0]); err != nil {
			return time.Time{}, false, err
		}
	}
	isDate := len(v) == 8
	if vt := prop.ICalParameters[string(ics.ParameterValue)]; len(vt) > 0 && strings.EqualFold(vt[0], "DATE") {
		isDate = true
	}
	if isDate {
		t, err := time.ParseInLocation("20060102", v, p.loc)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%q is not a date such as 20260302: %w", v, ErrFeed)
		}
		return t, true, nil
	}
	if strings.HasSuffix(v, "Z") {
		t, err := time.Parse("20060102T150405Z", v)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%q is not a UTC time such as 20260302T090000Z: %w", v, ErrFeed)
		}
		return t, false, nil
	}
	t, err := time.ParseInLocation("20060102T150405", v, loc)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is not a time such as 20260302T090000: %w", v, ErrFeed)
	}
	return t, false, nil
}

// zone loads a TZID. Some exporters prefix the IANA name with a vendor path
// ("/mozilla.org/20050126_1/America/Chicago"); the last two parts are tried
// then. Anything else is an error that names the TZID.
func zone(id string) (*time.Location, error) {
	id = strings.Trim(id, `"`)
	if loc, err := time.LoadLocation(id); err == nil && id != "" && id != "Local" {
		return loc, nil
	}
	if parts := strings.Split(id, "/"); len(parts) > 2 {
		if loc, err := time.LoadLocation(strings.Join(parts[len(parts)-2:], "/")); err == nil {
			return loc, nil
		}
	}
	return nil, fmt.Errorf("unknown TZID %q: the feed must name IANA time zones such as Europe/Berlin: %w", id, ErrFeed)
}

// span is a length as RFC 5545 durations count it: whole days are nominal
// (a day across a DST change is 23 or 25 hours, and a shift from 09:00 ends
// at 09:00), the rest exact.
type span struct {
	days int
	rest time.Duration
}

func (s span) after(t time.Time) time.Time { return t.AddDate(0, 0, s.days).Add(s.rest) }

// nominal returns the span from start to end, so that each occurrence of a
// recurring shift keeps its wall-clock length across DST changes.
func nominal(start, end time.Time) span {
	if !end.After(start) {
		return span{}
	}
	days := 0
	for start.AddDate(0, 0, days+1).Compare(end) <= 0 && days < 400 {
		days++
	}
	if days == 400 {
		return span{rest: end.Sub(start)}
	}
	return span{days: days, rest: end.Sub(start.AddDate(0, 0, days))}
}

var durationRE = regexp.MustCompile(`^([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// parseDuration reads an RFC 5545 DURATION such as P1W, P1D or PT12H.
func parseDuration(v string) (span, error) {
	m := durationRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil || m[1] == "-" || v == "P" || strings.HasSuffix(v, "T") {
		return span{}, fmt.Errorf("%q is not a duration such as P1D or PT12H: %w", v, ErrFeed)
	}
	n := func(s string) int {
		x, _ := strconv.Atoi(s)
		return x
	}
	weeks, days := n(m[2]), n(m[3])
	if weeks > 60 || days > 400 || n(m[4]) > 10000 || n(m[5]) > 600000 || n(m[6]) > 36000000 {
		return span{}, fmt.Errorf("duration %q is longer than a shift can be: %w", v, ErrFeed)
	}
	return span{days: 7*weeks + days,
		rest: time.Duration(n(m[4]))*time.Hour + time.Duration(n(m[5]))*time.Minute + time.Duration(n(m[6]))*time.Second}, nil
}
