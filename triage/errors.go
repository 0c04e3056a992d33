package triage

import (
	"errors"
	"fmt"
	"time"
)

// Error codes decide what a user is shown. Only EINTERNAL is logged; the
// others are the user's to fix and their message is safe to show.
const (
	ECONFLICT  = "conflict"
	EFORBIDDEN = "forbidden"
	EINTERNAL  = "internal"
	EINVALID   = "invalid"
	ENOTFOUND  = "not_found"
)

// ErrNotFound is returned by a Tx when a request, ticket or ledger does not exist.
var ErrNotFound = Errorf(ENOTFOUND, "not found")

// Error is a domain error with a code and a message fit for the user.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("triage %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error's own, or a
// generic one for internal errors, whose details stay in the logs.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "Something went wrong on our side; it has been logged."
}

// permanentError marks a job failure that retrying cannot fix.
type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent wraps err so that the outbox worker stops retrying the job and
// moves it to the dead letters.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// retryAfterError asks for the next attempt no sooner than after.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (r retryAfterError) Error() string { return r.err.Error() }
func (r retryAfterError) Unwrap() error { return r.err }

// RetryAfter wraps err so that the outbox worker waits at least d before
// the next attempt: a service's Retry-After.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return retryAfterError{err: err, after: d}
}

// RetryDelay returns the wait RetryAfter asked for, or 0.
func RetryDelay(err error) time.Duration {
	var r retryAfterError
	if errors.As(err, &r) {
		return r.after
	}
	return 0
}
