package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/triage"
)

// newGitHub builds the GitHub tracker the config describes; db may be nil
// for `check --online`, which records nothing.
func newGitHub(cfg *config.Config, db triage.Store, now func() time.Time, log *slog.Logger,
	observe func(op string, status int, err error, took time.Duration)) (*github.Tracker, error) {
	st, err := app.Settings(cfg)
	if err != nil {
		return nil, err
	}
	g := cfg.Tracker.GitHub
	return github.New(github.Options{Token: g.Token, APIURL: g.APIURL, Repos: cfg.GitHubFor,
		Login: loginOf(cfg, githubLogin), SlackUser: slackOf(cfg, githubLogin), Calendar: calendars(st), Store: db, Now: now, Timeout: g.Timeout, Log: log, Observe: observe})
}

func githubLogin(p config.Person) string { return p.GitHub }

// loginOf maps a Slack user to their login in a tracker, through people:.
func loginOf(cfg *config.Config, login func(config.Person) string) func(string) string {
	return func(user string) string {
		p, _ := cfg.PersonBySlack(user)
		return login(p)
	}
}

// slackOf maps a tracker login back to a Slack user, "" when unknown.
func slackOf(cfg *config.Config, login func(config.Person) string) func(string) string {
	return func(name string) string {
		for _, p := range cfg.People {
			if l := login(p); l != "" && strings.EqualFold(l, name) {
				return p.Slack
			}
		}
		return ""
	}
}

// calendars returns each team's sprint calendar.
func calendars(st *triage.Settings) func(string) (sprint.Calendar, bool) {
	return func(team string) (sprint.Calendar, bool) {
		if t := st.Team(team); t != nil {
			return t.Calendar, true
		}
		return sprint.Calendar{}, false
	}
}

// githubPart is serve's GitHub tracker, its polling and its webhook.
func githubPart(cfg *config.Config, db serveStore, now func() time.Time, log *slog.Logger,
	observe func(op string, status int, err error, took time.Duration)) (*trackerPart, error) {
	tr, err := newGitHub(cfg, db, now, log, observe)
	if err != nil {
		return nil, err
	}
	var repos []string
	seen := map[string]bool{}
	for _, t := range cfg.Teams {
		if r := cfg.GitHubFor(t.Name).Repo; cfg.TrackerFor(t.Name) == config.TrackerGitHub && !seen[r] {
			seen[r] = true
			repos = append(repos, r)
		}
	}
	g := cfg.Tracker.GitHub
	syncer := func(svc *triage.Service) *github.Syncer {
		return &github.Syncer{Tracker: tr, Service: svc, Store: db, Repos: repos, Every: g.SyncEvery, Log: log}
	}
	// The webhook and the poller share one syncer, so that they take turns.
	var once sync.Once
	var shared *github.Syncer
	get := func(svc *triage.Service) *github.Syncer {
		once.Do(func() { shared = syncer(svc) })
		return shared
	}
	return &trackerPart{tr: tr, ready: tr.Ready,
		run: func(ctx context.Context, svc *triage.Service) error { return get(svc).Run(ctx) },
		routes: func(mux *http.ServeMux, svc *triage.Service) {
			mux.Handle("POST /github/webhook", get(svc).Webhook(g.WebhookSecret))
		}}, nil
}

// checkGitHubOnline asks GitHub whether each GitHub team's repository
// exists and takes issues from the token, and whether every people:
// login exists.
func checkGitHubOnline(ctx context.Context, cfg *config.Config) []string {
	if !cfg.UsesTracker(config.TrackerGitHub) {
		return nil
	}
	tr, err := newGitHub(cfg, nil, time.Now, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return []string{fmt.Sprintf("github: %v", err)}
	}
	var teams []github.TeamRepo
	for _, t := range cfg.Teams {
		if cfg.TrackerFor(t.Name) == config.TrackerGitHub {
			r := cfg.GitHubFor(t.Name)
			at := fmt.Sprintf("%s:%d", cfg.Path, r.Line)
			if r.Line == 0 {
				at = fmt.Sprintf("%s:%d", t.File, t.Line)
			}
			teams = append(teams, github.TeamRepo{Team: t.Name, Repo: r, At: at})
		}
	}
	var logins []github.Login
	for _, p := range cfg.People {
		if p.GitHub != "" {
			logins = append(logins, github.Login{Login: p.GitHub, At: fmt.Sprintf("%s:%d", cfg.Path, p.Line)})
		}
	}
	return tr.Check(ctx, teams, logins)
}
