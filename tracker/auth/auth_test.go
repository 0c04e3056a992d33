package auth

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLatchLogsEachOutageOnce(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	var l Latch
	if err := l.Err(); err != nil {
		t.Fatalf("a new latch: %v", err)
	}
	l.Refused(log, "refused (HTTP 401)", "authentication failed", "status", 401)
	l.Refused(log, "refused (HTTP 403)", "authentication failed", "status", 403)
	if err := l.Err(); err == nil || err.Error() != "refused (HTTP 403)" {
		t.Errorf("Err = %v, want the latest refusal", err)
	}
	l.Accepted(log, "accepted again")
	l.Accepted(log, "accepted again")
	if err := l.Err(); err != nil {
		t.Errorf("Err after Accepted = %v", err)
	}
	l.Refused(log, "refused (HTTP 401)", "authentication failed", "status", 401)
	out := buf.String()
	if n := strings.Count(out, "authentication failed"); n != 2 {
		t.Errorf("%d refusals logged, want one per outage (2):\n%s", n, out)
	}
	if n := strings.Count(out, "accepted again"); n != 1 {
		t.Errorf("%d recoveries logged, want 1:\n%s", n, out)
	}
}
