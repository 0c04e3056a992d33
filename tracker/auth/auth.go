// Package auth keeps whether a tracker refuses sprintguard's credentials:
// the one condition that retrying cannot fix and an operator must. Jira,
// GitHub and GitLab share it, so that each logs a refusal once per outage
// and reports it through Ready in the same way.
package auth

import (
	"errors"
	"log/slog"
	"sync/atomic"
)

// Latch remembers the latest refusal until the credentials work again. Its
// zero value is ready to use, and its methods may be called concurrently.
type Latch struct {
	refused atomic.Pointer[string]
}

// Refused records text (what an operator reads from Ready) and logs msg
// with attrs at error level, once until Accepted clears it.
func (l *Latch) Refused(log *slog.Logger, text, msg string, attrs ...any) {
	if old := l.refused.Swap(&text); old == nil {
		log.Error(msg, attrs...)
	}
}

// Accepted clears a refusal, logging msg at info level when there was one.
func (l *Latch) Accepted(log *slog.Logger, msg string) {
	if l.refused.Swap(nil) != nil {
		log.Info(msg)
	}
}

// Err returns the refusal's text as an error, or nil while the credentials
// work.
func (l *Latch) Err() error {
	if text := l.refused.Load(); text != nil {
		return errors.New(*text)
	}
	return nil
}
