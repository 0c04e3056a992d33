package triage

import (
	"errors"
	"fmt"
	"net/http"
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

// ErrWithdrawn is returned by Service.Intake when the claim its
// NewRequest.UnlessClaimed names is held: the request was withdrawn (its
// message deleted) before it was made, and nothing was written.
var ErrWithdrawn = Errorf(ECONFLICT, "the request was withdrawn before it was made")

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

// unansweredError marks a tracker call whose answer, if any, says nothing
// of whether the call was carried out.
type unansweredError struct{ err error }

func (u unansweredError) Error() string { return u.err.Error() }
func (u unansweredError) Unwrap() error { return u.err }

// Unanswered marks err, the failure of a call to a tracker that got
// status (0 when no answer came), when that failure leaves open whether
// the call was carried out: a timeout or a dropped connection, or a 504
// from a gateway that stopped waiting for the tracker behind it, which
// may still be working. Other statuses, 502 and 503 included, come from a
// tracker or proxy that did not take the call in, and are left unmarked.
func Unanswered(err error, status int) error {
	if err == nil || (status != 0 && status != http.StatusGatewayTimeout) {
		return err
	}
	return unansweredError{err}
}

// RetryUnanswered returns the error of a create call: when Unanswered
// marked it, the retry waits at least timeout, the call's own, so that
// the issue a slow tracker still makes after we stopped waiting exists
// by the time the retry searches for it, instead of racing it to make a
// second; any other error is returned as it is.
func RetryUnanswered(err error, timeout time.Duration) error {
	var u unansweredError
	if errors.As(err, &u) {
		return RetryAfter(err, max(timeout, RetryDelay(err)))
	}
	return err
}
