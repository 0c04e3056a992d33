package classifier

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidUrgency is returned, wrapped, by ParseUrgency and
// Urgency.UnmarshalText when the text names no urgency, and by
// Urgency.MarshalText for a value outside P1..P4.
var ErrInvalidUrgency = errors.New("invalid urgency")

// Urgency is how urgently a request needs the team: P1 (critical) to P4
// (low). The zero value is invalid, so a forgotten urgency is detectable.
// Urgency values are plain integers and safe for concurrent use.
type Urgency int

// The four urgencies, most urgent first.
const (
	P1 Urgency = 1 // critical: interrupts the sprint now and pages the on-call
	P2 Urgency = 2 // high: interrupts the sprint within business hours
	P3 Urgency = 3 // normal: interrupts the sprint while budget is left
	P4 Urgency = 4 // low: goes to the backlog for planning
)

// ParseUrgency reads "P1".."P4" or "critical", "high", "normal", "low",
// ignoring case and surrounding spaces. It may be called concurrently.
func ParseUrgency(s string) (Urgency, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "p1", "critical":
		return P1, nil
	case "p2", "high":
		return P2, nil
	case "p3", "normal":
		return P3, nil
	case "p4", "low":
		return P4, nil
	}
	return 0, fmt.Errorf("%w %q: write P1, P2, P3 or P4 (or critical, high, normal, low)", ErrInvalidUrgency, s)
}

// Valid reports whether u is one of P1..P4.
func (u Urgency) Valid() bool { return u >= P1 && u <= P4 }

// String returns "P1".."P4", or "P?" for an invalid value.
func (u Urgency) String() string {
	if !u.Valid() {
		return "P?"
	}
	return "P" + string(rune('0'+u))
}

// Name returns the word for u: "critical", "high", "normal" or "low"
// ("invalid" for an invalid value).
func (u Urgency) Name() string {
	switch u {
	case P1:
		return "critical"
	case P2:
		return "high"
	case P3:
		return "normal"
	case P4:
		return "low"
	}
	return "invalid"
}

// MarshalText encodes u as "P1".."P4" so that JSON and YAML carry the same
// spelling the rules use. An invalid urgency is an error rather than "P?",
// because "P?" could not be read back.
func (u Urgency) MarshalText() ([]byte, error) {
	if !u.Valid() {
		return nil, fmt.Errorf("%w %d: want 1..4", ErrInvalidUrgency, int(u))
	}
	return []byte(u.String()), nil
}

// UnmarshalText accepts everything ParseUrgency accepts.
func (u *Urgency) UnmarshalText(b []byte) error {
	v, err := ParseUrgency(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}
