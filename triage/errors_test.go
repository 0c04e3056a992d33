package triage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Only a failure that leaves open whether the create was made waits a
// call timeout: no answer, or a gateway's 504. A 502 or 503 keeps the
// worker's backoff, and a longer wait the tracker asked for stands.
func TestRetryUnanswered(t *testing.T) {
	failed := errors.New("create issue: failed")
	for _, tc := range []struct {
		name   string
		err    error
		status int
		want   time.Duration
	}{
		{"no answer", failed, 0, 15 * time.Second},
		{"gateway timeout", failed, 504, 15 * time.Second},
		{"bad gateway", failed, 502, 0},
		{"unavailable", failed, 503, 0},
		{"server error", failed, 500, 0},
		{"longer retry-after", triage.RetryAfter(failed, time.Minute), 504, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := triage.RetryUnanswered(triage.Unanswered(tc.err, tc.status), 15*time.Second)
			if !errors.Is(err, failed) || triage.RetryDelay(err) != tc.want {
				t.Errorf("%v: retry after %v, want %v", err, triage.RetryDelay(err), tc.want)
			}
		})
	}
	if triage.Unanswered(nil, 0) != nil || triage.RetryUnanswered(nil, time.Second) != nil {
		t.Error("no error became one")
	}
}
