package config

import (
	"fmt"
	"strconv"
	"strings"
)

// cronField describes one field of a standard 5-field cron expression.
type cronField struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i
	question bool     // "?" is allowed (day fields, as robfig/cron accepts)
}

var cronFields = []cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, question: true},
	{name: "month", min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{name: "day-of-week", min: 0, max: 7, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, question: true},
}

// checkCron validates a 5-field cron expression (minute hour day-of-month
// month day-of-week) in the syntax robfig/cron's standard parser accepts:
// lists, ranges, steps, "*", "?" and month/weekday names. It returns the
// first problem, since later fields are rarely meaningful after a bad one.
func checkCron(expr string) *problem {
	fields := strings.Fields(expr)
	if len(fields) != len(cronFields) {
		return &problem{
			msg:  fmt.Sprintf("must have 5 fields (minute hour day-of-month month day-of-week), got %d in %q", len(fields), expr),
			hint: "for example \"0 9 * * MON\" for Mondays at 09:00 team time",
		}
	}
	for i, f := range fields {
		if p := cronFields[i].check(f); p != nil {
			return p
		}
	}
	return nil
}

// check validates one field: a comma-separated list of terms.
func (cf cronField) check(field string) *problem {
	for _, term := range strings.Split(field, ",") {
		if !cf.term(term) {
			return &problem{
				msg:  fmt.Sprintf("has a bad %s field %q", cf.name, field),
				hint: fmt.Sprintf("use *, a value %d-%d, a range a-b, a list a,b or a step */n", cf.min, cf.max),
			}
		}
	}
	return nil
}

// term reports whether one list term (range or value, with optional step)
// is valid.
func (cf cronField) term(term string) bool {
	rng, step, hasStep := strings.Cut(term, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || n > cf.max-cf.min+1 {
			return false
		}
	}
	switch rng {
	case "*":
		return true
	case "?":
		return cf.question && !hasStep
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	a, ok := cf.value(lo)
	if !ok {
		return false
	}
	if !isRange {
		return true
	}
	b, ok := cf.value(hi)
	return ok && a <= b
}

// value reads a number or a name within the field's range.
func (cf cronField) value(s string) (int, bool) {
	for i, n := range cf.names {
		if strings.EqualFold(s, n) {
			return cf.min + i, true
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < cf.min || n > cf.max {
		return 0, false
	}
	return n, true
}
