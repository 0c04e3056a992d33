package classifier

import (
	"errors"
	"strconv"
	"strings"
)

// ErrInvalidRule is wrapped by every RuleError, so callers can tell a
// problem in the rules from other failures with errors.Is.
var ErrInvalidRule = errors.New("invalid rule")

// RuleError is one problem Compile found in the rules.
type RuleError struct {
	// Index is the rule's position in the slice given to Compile, from 0,
	// or -1 for a problem with the set as a whole (such as no default).
	Index int
	Name  string
	// Field is the rule field at fault, spelled as in the YAML file, with
	// a list index where it applies ("any[2]", "sla.ack"); "" for the rule
	// as a whole. The config package uses Index and Field to find the line.
	Field string
	// Msg says what is wrong and what to write instead.
	Msg string
	// Err is the underlying cause, such as a regexp syntax error, or nil.
	Err error
}

// Error reads like "rules[3] (deploy-blocked): regex: ...".
func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString("rules")
	if e.Index >= 0 {
		b.WriteString("[" + strconv.Itoa(e.Index) + "]")
	}
	if e.Name != "" {
		b.WriteString(" (" + e.Name + ")")
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns ErrInvalidRule and the cause, if any.
func (e *RuleError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidRule}
	}
	return []error{ErrInvalidRule, e.Err}
}

// Errors is what Compile returns when rules are invalid: every problem it
// found, in rule order, so a team can fix them all in one pass.
type Errors []*RuleError

// Error lists the problems one per line.
func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, re := range e {
		lines[i] = re.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each RuleError to errors.Is and errors.As.
func (e Errors) Unwrap() []error {
	out := make([]error, len(e))
	for i, re := range e {
		out[i] = re
	}
	return out
}
