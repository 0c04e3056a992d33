package config

import (
	"strings"
	"testing"
)

const githubBase = `
tracker:
  kind: jira
  jira: {url: https://acme.atlassian.net, user: bot@acme.com, token: t, project: PLAT}
  github: {token: "${GH:-}", repo: acme/ops, sync_every: 30s, webhook_secret: whs}
people:
  - {slack: U0ANN0001, email: ann@acme.com, name: Ann, github: ann-gh, gitlab: ann}
teams:
  - name: platform
    timezone: UTC
    oncall: {rotation: [U0ANN0001]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: d, default: true, urgency: P3}]
  - name: data
    tracker: github
    github: {repo: acme/data-requests, project: acme/5}
    timezone: UTC
    oncall: {rotation: [U0ANN0001]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: d, default: true, urgency: P3}]
`

func TestGitHubConfig(t *testing.T) {
	cfg, err := Parse("sg.yaml", []byte(githubBase), func(k string) string { return map[string]string{"GH": "ghp_x"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.TrackerFor("platform"); got != TrackerJira {
		t.Errorf("platform tracker = %q", got)
	}
	if got := cfg.TrackerFor("data"); got != TrackerGitHub {
		t.Errorf("data tracker = %q", got)
	}
	g := cfg.GitHubFor("data")
	if g.Repo != "acme/data-requests" || g.Project != "acme/5" || g.IterationField != "Iteration" || g.Line != 16 {
		t.Errorf("GitHubFor(data) = %+v", g)
	}
	if cfg.Tracker.GitHub.SyncEvery.Seconds() != 30 || cfg.Tracker.GitHub.Token.Reveal() != "ghp_x" || !cfg.Tracker.GitHub.WebhookSecret.IsSet() {
		t.Errorf("tracker.github = %+v", cfg.Tracker.GitHub)
	}
	if p, ok := cfg.PersonBySlack("U0ANN0001"); !ok || p.GitHub != "ann-gh" || p.GitLab != "ann" || p.Line != 7 {
		t.Errorf("person = %+v, %v", p, ok)
	}
	if err := cfg.CheckTracker(); err != nil {
		t.Errorf("CheckTracker: %v", err)
	}
	owner, user, n, ok := ParseProject("users/octo/12")
	if owner != "octo" || !user || n != 12 || !ok {
		t.Errorf("ParseProject = %q %v %d %v", owner, user, n, ok)
	}
}

func TestGitHubConfigErrors(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"repo form", "repo: acme/data-requests", "repo: https://github.com/acme/data", "sg.yaml:16:"},
		{"repo without owner", "repo: acme/ops", "repo: ops", "sg.yaml:5:"},
		{"project form", "project: acme/5", "project: acme/five", "must be a project as ORG/NUMBER"},
		{"sync too often", "sync_every: 30s", "sync_every: 5s", "`sync_every` must be at least 10s"},
		{"bad login", "github: ann-gh", "github: ann gh", "must be a login"},
		{"bad kind", "tracker: github", "tracker: githbu", "did you mean `github`?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(githubBase, tc.from, tc.to, 1)
			_, err := Parse("sg.yaml", []byte(src), func(string) string { return "x" })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	t.Run("missing token and repo", func(t *testing.T) {
		src := strings.Replace(githubBase, "repo: acme/data-requests, ", "", 1)
		src = strings.Replace(src, "repo: acme/ops, ", "", 1)
		cfg, err := Parse("sg.yaml", []byte(src), func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		err = cfg.CheckTracker()
		for _, want := range []string{"sg.yaml:2:", "needs `github.token`", "sg.yaml:14:", "team `data` keeps tickets on GitHub but names no repository"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("CheckTracker = %v, want %q", err, want)
			}
		}
	})
}
