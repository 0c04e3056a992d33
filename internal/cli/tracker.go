package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/jira"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// trackers is the ticket side of serve: where tickets go, where they go
// when that refuses one for good, and what else runs for it.
type trackers struct {
	main, fallback triage.Tracker
	// ready reports a tracker problem only an operator can fix.
	ready func() error
	// run runs the tracker's background work (Jira's sync) until ctx ends.
	run func(ctx context.Context, svc *triage.Service) error
}

func buildTrackers(cfg *config.Config, db *store.DB, users jira.Directory, now func() time.Time, log *slog.Logger,
	observe func(op string, status int, err error, took time.Duration)) (*trackers, error) {
	loc := local.New(db, cfg.Tracker.Local.Prefix, cfg.Tracker.Local.URL)
	if cfg.Tracker.Kind != config.TrackerJira {
		return &trackers{main: loc, ready: func() error { return nil },
			run: func(ctx context.Context, _ *triage.Service) error { <-ctx.Done(); return nil }}, nil
	}
	j := cfg.Tracker.Jira
	tr, err := jira.New(jira.Options{URL: j.URL, User: j.User, Token: j.Token, Projects: cfg.JiraFor,
		Timeout: j.Timeout, MapTTL: j.MapTTL, Store: db, Users: users, Now: now, Log: log, Observe: observe})
	if err != nil {
		return nil, err
	}
	return &trackers{main: tr, fallback: loc, ready: tr.Ready,
		run: func(ctx context.Context, svc *triage.Service) error {
			s := &jira.Syncer{Tracker: tr, Service: svc, Store: db, Every: j.SyncEvery, Log: log}
			return s.Run(ctx)
		}}, nil
}
