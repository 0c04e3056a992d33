package postgres

import (
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Scrub returns err with every occurrence of the password that connString
// carries replaced by [REDACTED], so that the error may be logged or
// printed. pgx keeps passwords out of its errors already; Scrub makes sure
// of it for every layer that wraps them, the server's own messages
// included. errors.Is and errors.As still see the wrapped error.
func Scrub(connString string, err error) error {
	if err == nil {
		return nil
	}
	secrets := passwords(connString)
	msg := err.Error()
	clean := msg
	for _, s := range secrets {
		clean = strings.ReplaceAll(clean, s, "[REDACTED]")
	}
	if clean == msg {
		return err
	}
	return &scrubbed{msg: clean, err: err}
}

// passwords returns the forms a password may take in a message: as given,
// and percent-encoded or decoded as a URL holds it.
func passwords(connString string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 3 { // shorter would redact unrelated text
			out = append(out, s)
		}
	}
	if cfg, err := pgconn.ParseConfig(connString); err == nil {
		add(cfg.Password)
		add(url.QueryEscape(cfg.Password))
		add(url.PathEscape(cfg.Password))
	}
	if u, err := url.Parse(connString); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			add(pw)
		}
	}
	// A URL pgx cannot parse may still carry a password: user:PW@host.
	if _, rest, ok := strings.Cut(connString, "://"); ok {
		if creds, _, ok := strings.Cut(rest, "@"); ok {
			if _, pw, ok := strings.Cut(creds, ":"); ok {
				add(pw)
			}
		}
	}
	return out
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
