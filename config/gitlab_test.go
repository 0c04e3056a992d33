package config

import (
	"strings"
	"testing"
)

const gitlabBase = `
tracker:
  kind: gitlab
  gitlab: {token: "${GL:-}", url: https://gitlab.acme.com, project: ops/requests, webhook_secret: s}
teams:
  - name: data
    gitlab: {project: data/eng/requests}
    timezone: UTC
    oncall: {rotation: [U0ANN0001]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: d, default: true, urgency: P3}]
`

func TestGitLabConfig(t *testing.T) {
	cfg, err := Parse("sg.yaml", []byte(gitlabBase), func(k string) string { return map[string]string{"GL": "glpat-x"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.GitLabFor("data"); g.Project != "data/eng/requests" || g.Line != 7 {
		t.Errorf("GitLabFor(data) = %+v", g)
	}
	if cfg.Tracker.GitLab.URL != "https://gitlab.acme.com/" || cfg.TrackerFor("data") != TrackerGitLab {
		t.Errorf("tracker.gitlab = %+v", cfg.Tracker.GitLab)
	}
	if err := cfg.CheckTracker(); err != nil {
		t.Errorf("CheckTracker: %v", err)
	}
	bad := strings.Replace(gitlabBase, "project: data/eng/requests", "project: requests", 1)
	if _, err := Parse("sg.yaml", []byte(bad), func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "sg.yaml:7:") ||
		!strings.Contains(err.Error(), "must be a project path as group/name") {
		t.Errorf("bad path: %v", err)
	}
	cfg, err = Parse("sg.yaml", []byte(gitlabBase), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckTracker(); err == nil || !strings.Contains(err.Error(), "sg.yaml:2: tracker `gitlab` needs `gitlab.token`") {
		t.Errorf("no token: %v", err)
	}
}
