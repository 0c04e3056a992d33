// Package ical reads on-call schedules from iCalendar feeds (RFC 5545), as
// PagerDuty, Opsgenie, GoAlert, Grafana OnCall and Google Calendar export
// them: TZID and floating times, all-day events, RRULE with EXDATE and
// RECURRENCE-ID overrides, the person from ATTENDEE or, failing that, from
// SUMMARY. Expansion is bounded: a feed is read for at most MaxWindow, and
// the sizes it may reach are capped, so a hostile feed gets a clear error
// rather than unbounded memory. Parse is pure and safe for concurrent use.
package ical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/sprintguard/sprintguard/oncall"
)

// Limits on what one feed may cost.
const (
	// MaxWindow is the longest span a feed is expanded over.
	MaxWindow = 400 * 24 * time.Hour
	// MaxBytes is the largest feed read.
	MaxBytes = 16 << 20
	// MaxEvents is the most VEVENTs a feed may hold.
	MaxEvents = 50000
	// MaxShifts is the most occurrences a feed may expand to in the window.
	MaxShifts = 50000
	// maxSteps bounds the occurrences a single RRULE may step through before
	// reaching the window, so FREQ=SECONDLY from 1990 cannot spin.
	maxSteps = 100000
	// maxExpandTime bounds the time spent expanding one feed's rules.
	maxExpandTime = 10 * time.Second
)

// ErrFeed marks a feed that cannot be used; the message says why.
var ErrFeed = errors.New("unusable calendar feed")

// Parse reads a feed and returns the on-call entries that overlap
// [from, to), with recurrences expanded. loc is the team's time zone:
// floating times and all-day dates are read in it. The window is cut to
// MaxWindow.
func Parse(r io.Reader, loc *time.Location, from, to time.Time) (_ []oncall.Entry, err error) {
	// The libraries were not written for hostile input: a panic in them is
	// a bad feed, not a crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read calendar feed: %v: %w", r, ErrFeed)
		}
	}()
	if to.Sub(from) > MaxWindow {
		to = from.Add(MaxWindow)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read calendar feed: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("read calendar feed: larger than %d MiB: %w", MaxBytes>>20, ErrFeed)
	}
	if n := bytes.Count(data, []byte("BEGIN:VEVENT")); n > MaxEvents {
		return nil, fmt.Errorf("calendar feed has %d events, more than %d: %w", n, MaxEvents, ErrFeed)
	}
	cal, err := parseCalendar(data)
	if err != nil {
		return nil, err
	}
	p := &parser{loc: loc, from: from, to: to}
	var masters []*event
	moved := map[string]map[int64]bool{} // UID -> original starts that a RECURRENCE-ID replaces
	for _, ve := range cal.Events() {
		e, err := p.event(ve)
		if err != nil {
			return nil, err
		}
		if e == nil {
			continue
		}
		if !e.recurrenceID.IsZero() {
			if moved[e.uid] == nil {
				moved[e.uid] = map[int64]bool{}
			}
			moved[e.uid][e.recurrenceID.Unix()] = true
			if !e.cancelled {
				p.add(e.who, e.start, e.end)
			}
			continue
		}
		masters = append(masters, e)
	}
	began := time.Now()
	for _, e := range masters {
		// rrule-go walks to the year 9999 looking for a match of a rule that
		// never matches: about a second each at worst. A safety valve on
		// the wall clock keeps a feed of such rules from taking minutes.
		if time.Since(began) > maxExpandTime {
			return nil, fmt.Errorf("calendar feed takes longer than %s to expand; its recurrence rules never or rarely match: %w", maxExpandTime, ErrFeed)
		}
		if err := p.expand(e, moved[e.uid]); err != nil {
			return nil, err
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return p.out, nil
}

// parseCalendar runs golang-ical.
func parseCalendar(data []byte) (*ics.Calendar, error) {
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parse calendar feed: %v: %w", err, ErrFeed)
	}
	return cal, nil
}

type parser struct {
	loc      *time.Location
	from, to time.Time
	out      []oncall.Entry
	err      error
}

// event is one VEVENT, read.
type event struct {
	uid, summary string
	who          oncall.Person
	start, end   time.Time
	allDay       bool
	rule         string
	exdates      map[int64]bool
	recurrenceID time.Time
	cancelled    bool
}

// add records an occurrence when it overlaps the window.
func (p *parser) add(who oncall.Person, start, end time.Time) {
	if !end.After(start) || !end.After(p.from) || !start.Before(p.to) {
		return
	}
	if len(p.out) >= MaxShifts {
		p.err = fmt.Errorf("calendar feed expands to more than %d shifts in %d days: %w", MaxShifts, int(p.to.Sub(p.from).Hours()/24), ErrFeed)
		return
	}
	p.out = append(p.out, oncall.Entry{Who: who, Start: start, End: end})
}

func (p *parser) event(ve *ics.VEvent) (*event, error) {
	e := &event{exdates: map[int64]bool{}}
	if v := ve.GetProperty(ics.ComponentPropertyUniqueId); v != nil {
		e.uid = v.Value
	}
	if v := ve.GetProperty(ics.ComponentPropertySummary); v != nil {
		e.summary = unescape(v.Value)
	}
	name := e.summary
	if name == "" {
		name = e.uid
	}
	if v := ve.GetProperty(ics.ComponentPropertyStatus); v != nil && strings.EqualFold(v.Value, "CANCELLED") {
		e.cancelled = true
	}
	startProp := ve.GetProperty(ics.ComponentPropertyDtStart)
	if startProp == nil {
		return nil, fmt.Errorf("calendar event %q has no DTSTART: %w", name, ErrFeed)
	}
	var err error
	if e.start, e.allDay, err = p.when(startProp); err != nil {
		return nil, fmt.Errorf("calendar event %q DTSTART: %w", name, err)
	}
	switch endProp, durProp := ve.GetProperty(ics.ComponentPropertyDtEnd), ve.GetProperty(ics.ComponentPropertyDuration); {
	case endProp != nil:
		if e.end, _, err = p.when(endProp); err != nil {
			return nil, fmt.Errorf("calendar event %q DTEND: %w", name, err)
		}
	case durProp != nil:
		d, err := parseDuration(durProp.Value)
		if err != nil {
			return nil, fmt.Errorf("calendar event %q DURATION: %w", name, err)
		}
		e.end = d.after(e.start)
	case e.allDay:
		e.end = e.start.AddDate(0, 0, 1)
	default:
		e.end = e.start
	}
	if v := ve.GetProperty(ics.ComponentPropertyRrule); v != nil {
		e.rule = v.Value
	}
	for _, ex := range ve.GetProperties(ics.ComponentPropertyExdate) {
		for _, one := range strings.Split(ex.Value, ",") {
			prop := *ex
			prop.Value = strings.TrimSpace(one)
			t, _, err := p.when(&prop)
			if err != nil {
				return nil, fmt.Errorf("calendar event %q EXDATE: %w", name, err)
			}
			e.exdates[t.Unix()] = true
		}
	}
	if v := ve.GetProperty(ics.ComponentPropertyRecurrenceId); v != nil {
		if e.recurrenceID, _, err = p.when(v); err != nil {
			return nil, fmt.Errorf("calendar event %q RECURRENCE-ID: %w", name, err)
		}
	}
	e.who = person(ve, e.summary)
	return e, nil
}

// expand adds e's occurrences in the window, skipping EXDATEs and the
// occurrences a RECURRENCE-ID event replaced.
func (p *parser) expand(e *event, moved map[int64]bool) error {
	if e.cancelled {
		return nil
	}
	if e.rule == "" {
		p.add(e.who, e.start, e.end)
		return nil
	}
	opt, err := rrule.StrToROptionInLocation(e.rule, e.start.Location())
	if err == nil && opt.Freq > rrule.DAILY {
		// rrule-go steps through every candidate until one matches or the
		// year 9999: a sub-daily rule that never matches would spin for
		// hours. On-call shifts repeat daily at most.
		err = errors.New("shifts that repeat more often than daily are not supported")
	}
	if err != nil {
		return fmt.Errorf("calendar event %q RRULE %q: %v: %w", e.summary, e.rule, err, ErrFeed)
	}
	opt.Dtstart = e.start
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return fmt.Errorf("calendar event %q RRULE %q: %v: %w", e.summary, e.rule, err, ErrFeed)
	}
	span := nominal(e.start, e.end)
	next := rule.Iterator()
	for steps := 0; ; steps++ {
		if steps >= maxSteps {
			return fmt.Errorf("calendar event %q RRULE %q repeats more than %d times before the window ends: %w", e.summary, e.rule, maxSteps, ErrFeed)
		}
		start, ok := next()
		if !ok || !start.Before(p.to) {
			return p.err
		}
		if e.exdates[start.Unix()] || moved[start.Unix()] {
			continue
		}
		p.add(e.who, start, span.after(start))
		if p.err != nil {
			return p.err
		}
	}
}

// unescape undoes RFC 5545 TEXT escaping.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	return r.Replace(s)
}
