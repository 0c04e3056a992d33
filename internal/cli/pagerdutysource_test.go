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
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/oncall/pagerduty/pagerdutyfake"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// TestScheduleFromPagerDuty switches a team with a rotation to
// `source: pagerduty` by that one key (the rotation stays, unused), and
// follows a swap made in PagerDuty on the next refresh.
func TestScheduleFromPagerDuty(t *testing.T) {
	fake := pagerdutyfake.New(t)
	fake.AddUser(pagerdutyfake.User{ID: "PANN001", Name: "Ann Smith", Email: "ann@example.com"})
	fake.AddUser(pagerdutyfake.User{ID: "PBEN001", Name: "Ben Jones", Email: "ben@example.com"})
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	fake.SetShifts(pagerdutyfake.Shift{Schedule: "PSCHED1", User: "PANN001", Start: day(23), End: day(24)},
		pagerdutyfake.Shift{Schedule: "PSCHED1", User: "PBEN001", Start: day(24), End: day(25)})

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "sg.db")
	yaml := fmt.Sprintf(`storage: {path: %s}
pagerduty: {token: %s, api_url: %q}
people:
  - {slack: U0ANN, email: ann@example.com}
  - {slack: U0BEN, email: ben@example.com}
teams:
  - name: platform
    timezone: America/Chicago
    oncall:
      source: pagerduty
      pagerduty: {schedule: PSCHED1}
      rotation: [U0OLD]
      escalate_to: U0LEAD
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`, dbPath, pagerdutyfake.Token, fake.URL())
	cfg, err := config.Load(writeFile(t, dir, "sprintguard.yaml", yaml), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	db, err := store.Open(dbPath, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := triage.NewService(db, st, clock)
	teams := app.ScheduleSources(cfg)
	r := &refresh.Refresher{Store: db, Settings: svc.Settings, Now: clock, Teams: teams,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), People: people.New(app.People(cfg), nil, people.DefaultTTL, clock)}
	n := 0
	ask := func() string {
		t.Helper()
		n++
		res, err := svc.Intake(context.Background(), triage.NewRequest{Team: "platform", User: "U0REQ",
			Summary: fmt.Sprintf("please look at thing %d", n), EventKey: fmt.Sprint("ev", n), At: now})
		if err != nil {
			t.Fatal(err)
		}
		return res.Request.Assignee
	}
	if _, err := r.Refresh(context.Background(), teams[0]); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "U0ANN" {
		t.Errorf("routed to %q, want U0ANN from PagerDuty", got)
	}
	fake.SetShifts(pagerdutyfake.Shift{Schedule: "PSCHED1", User: "PBEN001", Start: day(23), End: day(25)}) // Ben covers
	if _, err := r.Refresh(context.Background(), teams[0]); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "U0BEN" {
		t.Errorf("after the swap in PagerDuty: routed to %q, want U0BEN", got)
	}
	fake.Down(1)
	if _, err := r.Refresh(context.Background(), teams[0]); err == nil {
		t.Error("a 500 from PagerDuty was not an error")
	}
	if got := ask(); got != "U0BEN" {
		t.Errorf("with PagerDuty down: routed to %q, want the last good U0BEN", got)
	}
}
