package ical

import (
	"regexp"
	"strings"

	ics "github.com/arran4/golang-ical"

	"github.com/sprintguard/sprintguard/oncall"
)

var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// summaryShapes pull the person out of the SUMMARY lines of the exporters
// that name them only there; the first group is the person.
var summaryShapes = []*regexp.Regexp{
	// GoAlert, full schedule: "Alice Smith On-Call (GoAlert: Platform)".
	regexp.MustCompile(`^(.+?) On-Call \(.*\)(?: Begins\*)?$`),
	// PagerDuty: "On Call - Alice Smith - Platform Primary".
	regexp.MustCompile(`^On[- ][Cc]all - (.+?) - .+$`),
	// Opsgenie and hand-kept calendars: "On call: Alice Smith".
	regexp.MustCompile(`^(?i:on[- ]?call)\s*[:\-–]\s*(.+)$`),
	// Opsgenie: "Alice Smith - Platform_schedule on-call".
	regexp.MustCompile(`^(.+?) - .+ (?i:on[- ]?call)$`),
}

// person names who an event puts on call: the first ATTENDEE with a
// mailto: address (its CN as the name), otherwise what SUMMARY says. A
// Grafana OnCall priority prefix such as "[L1] " is dropped.
func person(ve *ics.VEvent, summary string) oncall.Person {
	for _, a := range ve.GetProperties(ics.ComponentPropertyAttendee) {
		addr := strings.TrimSpace(a.Value)
		if len(addr) > 7 && strings.EqualFold(addr[:7], "mailto:") {
			p := oncall.Person{Email: strings.ToLower(addr[7:])}
			if cn := a.ICalParameters[string(ics.ParameterCn)]; len(cn) > 0 {
				p.Name = strings.Trim(cn[0], `"`)
			}
			return p
		}
	}
	return fromSummary(summary)
}

// fromSummary reads the person from a SUMMARY.
func fromSummary(s string) oncall.Person {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			break
		}
		s = strings.TrimSpace(s[end+1:])
	}
	if e := emailRE.FindString(s); e != "" {
		return oncall.Person{Email: strings.ToLower(e)}
	}
	for _, re := range summaryShapes {
		if m := re.FindStringSubmatch(s); m != nil {
			return oncall.Person{Name: strings.TrimSpace(m[1])}
		}
	}
	return oncall.Person{Name: s}
}
