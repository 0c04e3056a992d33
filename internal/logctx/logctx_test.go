package logctx

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestLinesCarryTheContextsIDs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler{slog.NewTextHandler(&buf, nil)}).With("component", "bot")
	ctx := With(With(context.Background(), "delivery", 7), "request", 42)
	log.InfoContext(ctx, "posted")
	log.InfoContext(context.Background(), "idle")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "delivery=7") || !strings.Contains(lines[0], "request=42") || !strings.Contains(lines[0], "component=bot") {
		t.Fatalf("lines %q", lines)
	}
	if strings.Contains(lines[1], "delivery") {
		t.Fatalf("a context without ids got some: %q", lines[1])
	}
}
