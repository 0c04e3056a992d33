package cli

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/jira"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/tracker/mixed"
	"github.com/sprintguard/sprintguard/triage"
)

// trackers is the ticket side of serve: where tickets go, where they go
// when that refuses one for good, and what else runs for it.
type trackers struct {
	main, fallback triage.Tracker
	// ready reports a tracker problem only an operator can fix.
	ready func() error
	// run runs the trackers' background work (their sync) until ctx ends.
	run func(ctx context.Context, svc *triage.Service) error
	// routes adds the trackers' HTTP endpoints (GitHub's webhook).
	routes func(mux *http.ServeMux, svc *triage.Service)
}

// trackerPart is one tracker kind's share of trackers.
type trackerPart struct {
	tr     triage.Tracker
	ready  func() error
	run    func(ctx context.Context, svc *triage.Service) error
	routes func(mux *http.ServeMux, svc *triage.Service)
}

func buildTrackers(cfg *config.Config, db serveStore, users jira.Directory, now func() time.Time, log *slog.Logger,
	observe func(op string, status int, err error, took time.Duration)) (*trackers, error) {
	loc := local.New(db, cfg.Tracker.Local.Prefix, cfg.Tracker.Local.URL)
	parts := map[string]*trackerPart{config.TrackerLocal: {tr: loc}}
	if cfg.UsesTracker(config.TrackerJira) {
		j := cfg.Tracker.Jira
		tr, err := jira.New(jira.Options{URL: j.URL, User: j.User, Token: j.Token, Projects: cfg.JiraFor,
			Timeout: j.Timeout, MapTTL: j.MapTTL, Store: db, Users: users, Now: now, Log: log, Observe: observe})
		if err != nil {
			return nil, err
		}
		parts[config.TrackerJira] = &trackerPart{tr: tr, ready: tr.Ready,
			run: func(ctx context.Context, svc *triage.Service) error {
				s := &jira.Syncer{Tracker: tr, Service: svc, Store: db, Every: j.SyncEvery, Log: log}
				return s.Run(ctx)
			}}
	}
	if cfg.UsesTracker(config.TrackerGitHub) {
		p, err := githubPart(cfg, db, now, log, nil) // the call metrics are Jira's by name
		if err != nil {
			return nil, err
		}
		parts[config.TrackerGitHub] = p
	}
	if cfg.UsesTracker(config.TrackerGitLab) {
		p, err := gitlabPart(cfg, db, now, log)
		if err != nil {
			return nil, err
		}
		parts[config.TrackerGitLab] = p
	}
	out := &trackers{main: loc, ready: func() error { return nil }, routes: func(*http.ServeMux, *triage.Service) {}}
	if len(parts) > 1 {
		out.fallback = loc
		out.main = &mixed.Tracker{For: func(team string) triage.Tracker {
			if p := parts[cfg.TrackerFor(team)]; p != nil {
				return p.tr
			}
			return nil
		}}
	}
	out.ready = func() error {
		for _, p := range parts {
			if p.ready == nil {
				continue
			}
			if err := p.ready(); err != nil {
				return err
			}
		}
		return nil
	}
	out.run = func(ctx context.Context, svc *triage.Service) error {
		errc := make(chan error, len(parts))
		n := 0
		for _, p := range parts {
			if p.run != nil {
				n++
				go func() { errc <- p.run(ctx, svc) }()
			}
		}
		var first error
		for range n {
			if err := <-errc; err != nil && first == nil {
				first = err
			}
		}
		<-ctx.Done()
		return first
	}
	out.routes = func(mux *http.ServeMux, svc *triage.Service) {
		for _, p := range parts {
			if p.routes != nil {
				p.routes(mux, svc)
			}
		}
	}
	return out, nil
}
