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
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// rigNow is the rig's clock, the one run() uses.
var rigNow = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

// rig is one team's service built from a config, as serve builds it, with
// a real store and the schedule refresher; the tests drive it by hand.
type rig struct {
	t       *testing.T
	cfg     *config.Config
	cfgPath string
	db      *store.DB
	svc     *triage.Service
	r       *refresh.Refresher
	teams   []refresh.Team
	n       int
}

// newRig loads yaml (a format string whose first verb is the store path,
// followed by args) and builds the parts.
func newRig(t *testing.T, yaml string, args ...any) *rig {
	t.Helper()
	dir := t.TempDir()
	path := writeFile(t, dir, "sprintguard.yaml", fmt.Sprintf(yaml, append([]any{filepath.Join(dir, "sg.db")}, args...)...))
	cfg, st := loadRig(t, path)
	clock := func() time.Time { return rigNow }
	db, err := store.Open(cfg.Storage.Path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := triage.NewService(db, st, clock)
	teams := app.ScheduleSources(cfg)
	r := &refresh.Refresher{Store: db, Settings: svc.Settings, Now: clock, Teams: teams,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), People: people.New(app.People(cfg), nil, people.DefaultTTL, clock)}
	return &rig{t: t, cfg: cfg, cfgPath: path, db: db, svc: svc, r: r, teams: teams}
}

// loadRig loads the config at path and its settings, with no environment.
func loadRig(t *testing.T, path string) (*config.Config, *triage.Settings) {
	t.Helper()
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, st
}

// refresh fetches the first team's schedule.
func (g *rig) refresh() error {
	_, err := g.r.Refresh(context.Background(), g.teams[0])
	return err
}

// ask takes in a request to platform and returns whom it was routed to.
func (g *rig) ask(summary string) *triage.Request {
	g.t.Helper()
	g.n++
	if summary == "" {
		summary = fmt.Sprintf("please look at thing %d", g.n)
	}
	res, err := g.svc.Intake(context.Background(), triage.NewRequest{Team: "platform", User: "U0REQ",
		Summary: summary, EventKey: fmt.Sprint("ev", g.n), At: rigNow})
	if err != nil {
		g.t.Fatal(err)
	}
	return res.Request
}
