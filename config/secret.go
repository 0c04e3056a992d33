package config

import (
	"fmt"
	"log/slog"
	"strconv"
)

// redacted is what every printing path shows instead of a set secret.
const redacted = "[REDACTED]"

// Secret holds a credential (a token, a signing secret). Every way of
// printing it — fmt verbs including %#v, JSON, text and YAML marshalling,
// log/slog — gives "[REDACTED]" when it is set and "" when it is empty, so
// that a config struct can be logged or dumped without leaking. Only Reveal
// returns the value. The zero Secret is empty. Secrets are immutable values
// and safe to use from any goroutine.
type Secret struct {
	value string
	// unset is true when the value was left out only because its ${VAR}
	// was unset under Options.CredentialsOptional.
	unset bool
}

// NewSecret wraps a credential; tests and the wiring code use it to build a
// Config by hand.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the credential itself, for the one place that sends it.
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s.value != "" }

// given reports whether the config gives the secret, even as a ${VAR}
// that Options.CredentialsOptional let stay unset: what needs the secret
// is then not the loading command's business.
func (s Secret) given() bool { return s.value != "" || s.unset }

// String returns "[REDACTED]", or "" for an empty secret.
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return redacted
}

// GoString returns a Go expression that does not contain the value.
func (s Secret) GoString() string {
	return "config.Secret(" + strconv.Quote(s.String()) + ")"
}

// Format makes every fmt verb and flag print the redacted form, so that
// %x, %+v or a width cannot reach the value.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, s.GoString())
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(s.String()))
	default:
		fmt.Fprint(f, s.String())
	}
}

// MarshalJSON encodes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(s.String())), nil
}

// MarshalText returns the redacted form.
func (s Secret) MarshalText() ([]byte, error) {
	return []byte(s.String()), nil
}

// MarshalYAML returns the redacted form, so a dumped config shows which
// secrets are set.
func (s Secret) MarshalYAML() (any, error) {
	return s.String(), nil
}

// LogValue implements slog.LogValuer with the redacted form.
func (s Secret) LogValue() slog.Value {
	return slog.StringValue(s.String())
}
