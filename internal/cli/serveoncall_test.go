package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// TestReloadSwitchesScheduleSource: a running bot whose config switches a
// team from its rotation to `source: ical` (the rotation keys stay) and is
// reloaded starts following the feed, with no restart.
func TestReloadSwitchesScheduleSource(t *testing.T) {
	dir := t.TempDir()
	feed := writeFile(t, dir, "oncall.ics", feedOf("ann@example.com"))
	const team = `storage: {path: %s}
people: [{slack: U0ANN, email: ann@example.com}]
teams:
  - name: platform
    timezone: America/Chicago
    oncall:%s
      rotation: [U0OLD]
      escalate_to: U0LEAD
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`
	load := func(source string) (*config.Config, *triage.Settings) {
		t.Helper()
		return loadRig(t, writeFile(t, dir, "sprintguard.yaml", fmt.Sprintf(team, filepath.Join(dir, "sg.db"), source)))
	}
	clock := func() time.Time { return rigNow }
	cfg, st := load("")
	db, err := store.Open(cfg.Storage.Path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := triage.NewService(db, st, clock)
	ctx, cancel := context.WithCancel(context.Background())
	s := &schedules{ctx: ctx, db: db, svc: svc, now: clock, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	defer func() {
		cancel()
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.stop != nil {
			s.stop()
		}
	}()
	s.start(cfg)
	route := func() string {
		cur := svc.Settings()
		_, to := cur.OnCall(cur.Team("platform"), rigNow, nil)
		return to
	}
	if got := route(); got != "U0OLD" {
		t.Fatalf("from the rotation: routed to %q, want U0OLD", got)
	}

	s.reload(load(fmt.Sprintf("\n      source: ical\n      ical: {url: %q, refresh: 5m}", "file:"+feed)))
	deadline := time.Now().Add(30 * time.Second)
	for route() != "U0ANN" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // the first fetch runs in the background
	}
	if got := route(); got != "U0ANN" {
		t.Errorf("after the reload to source: ical, routed to %q, want U0ANN from the feed", got)
	}
}
