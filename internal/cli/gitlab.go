package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/tracker/gitlab"
	"github.com/sprintguard/sprintguard/triage"
)

func gitlabLogin(p config.Person) string { return p.GitLab }

// newGitLab builds the GitLab tracker the config describes; db may be nil
// for `check --online`.
func newGitLab(cfg *config.Config, db triage.Store, now func() time.Time, log *slog.Logger) (*gitlab.Tracker, error) {
	st, err := app.Settings(cfg)
	if err != nil {
		return nil, err
	}
	g := cfg.Tracker.GitLab
	return gitlab.New(gitlab.Options{Token: g.Token, URL: g.URL, Projects: cfg.GitLabFor, Login: loginOf(cfg, gitlabLogin),
		SlackUser: slackOf(cfg, gitlabLogin), Calendar: calendars(st), Store: db, Now: now, Timeout: g.Timeout, Log: log})
}

// gitlabPart is serve's GitLab tracker, its polling and its webhook.
func gitlabPart(cfg *config.Config, db serveStore, now func() time.Time, log *slog.Logger) (*trackerPart, error) {
	tr, err := newGitLab(cfg, db, now, log)
	if err != nil {
		return nil, err
	}
	var projects []string
	seen := map[string]bool{}
	for _, t := range cfg.Teams {
		if p := cfg.GitLabFor(t.Name).Project; cfg.TrackerFor(t.Name) == config.TrackerGitLab && !seen[p] {
			seen[p] = true
			projects = append(projects, p)
		}
	}
	g := cfg.Tracker.GitLab
	var once sync.Once
	var shared *gitlab.Syncer
	get := func(svc *triage.Service) *gitlab.Syncer {
		once.Do(func() {
			shared = &gitlab.Syncer{Tracker: tr, Service: svc, Store: db, Projects: projects, Every: g.SyncEvery, Log: log}
		})
		return shared
	}
	return &trackerPart{tr: tr, ready: tr.Ready,
		run: func(ctx context.Context, svc *triage.Service) error { return get(svc).Run(ctx) },
		routes: func(mux *http.ServeMux, svc *triage.Service) {
			mux.Handle("POST /gitlab/webhook", get(svc).Webhook(g.WebhookSecret))
		}}, nil
}

// checkGitLabOnline asks GitLab whether each GitLab team's project exists
// and takes issues from the token, and whether every people: username
// exists.
func checkGitLabOnline(ctx context.Context, cfg *config.Config) []string {
	if !cfg.UsesTracker(config.TrackerGitLab) {
		return nil
	}
	tr, err := newGitLab(cfg, nil, time.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		return []string{fmt.Sprintf("gitlab: %v", err)}
	}
	var teams []gitlab.TeamProject
	for _, t := range cfg.Teams {
		if cfg.TrackerFor(t.Name) == config.TrackerGitLab {
			p := cfg.GitLabFor(t.Name)
			at := fmt.Sprintf("%s:%d", cfg.Path, p.Line)
			if p.Line == 0 {
				at = fmt.Sprintf("%s:%d", t.File, t.Line)
			}
			teams = append(teams, gitlab.TeamProject{Team: t.Name, Project: p.Project, At: at})
		}
	}
	var logins []gitlab.Login
	for _, p := range cfg.People {
		if p.GitLab != "" {
			logins = append(logins, gitlab.Login{Login: p.GitLab, At: fmt.Sprintf("%s:%d", cfg.Path, p.Line)})
		}
	}
	return tr.Check(ctx, teams, logins)
}
