package config

import (
	"errors"
	"strings"
	"testing"
)

const checkTeam = `
teams:
  - name: platform
    timezone: UTC
    oncall: {rotation: [U01]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`

func TestCheckSlack(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"socket complete", "slack:\n  mode: socket\n  bot_token: xoxb-1\n  app_token: xapp-1\n", nil},
		{"http complete", "slack:\n  mode: http\n  bot_token: xoxb-1\n  signing_secret: s\n", nil},
		{"socket without app token", "slack:\n  mode: socket\n  bot_token: xoxb-1\n  signing_secret: s\n",
			[]string{"c.yaml:1: slack mode `socket` needs `app_token` (set app_token: ${SLACK_APP_TOKEN} and export SLACK_APP_TOKEN; Socket Mode connects with an app-level token (xapp-...))"}},
		{"http without anything", "server: {listen: \":8080\"}\nslack:\n  mode: http\n  bot_token: ${B:-}\n",
			[]string{
				"c.yaml:2: slack mode `http` needs `bot_token` (set bot_token: ${SLACK_BOT_TOKEN} and export SLACK_BOT_TOKEN; it is the Bot User OAuth Token (xoxb-...))",
				"c.yaml:2: slack mode `http` needs `signing_secret` (set signing_secret: ${SLACK_SIGNING_SECRET} and export SLACK_SIGNING_SECRET; it verifies that requests come from Slack)",
			}},
		{"no slack section", "", []string{
			"c.yaml: slack mode `socket` needs `bot_token` (set bot_token: ${SLACK_BOT_TOKEN} and export SLACK_BOT_TOKEN; it is the Bot User OAuth Token (xoxb-...))",
			"c.yaml: slack mode `socket` needs `app_token` (set app_token: ${SLACK_APP_TOKEN} and export SLACK_APP_TOKEN; Socket Mode connects with an app-level token (xapp-...))",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(tt.doc+checkTeam), env(nil))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			assertErrors(t, cfg.CheckSlack(), tt.want)
		})
	}
}

func TestCheckTracker(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"local needs nothing", "tracker: {kind: local}\n", nil},
		{"default is local", "", nil},
		{"jira complete", "tracker:\n  kind: jira\n  jira: {url: https://a.atlassian.net, user: u@a.com, token: t, project: OPS}\n", nil},
		{"jira missing all", "storage: {path: a.db}\ntracker:\n  kind: jira\n", []string{
			"c.yaml:2: tracker `jira` needs `jira.url` (the site, e.g. url: https://acme.atlassian.net)",
			"c.yaml:2: tracker `jira` needs `jira.user` (the API user's email, e.g. user: sprintguard@acme.com)",
			"c.yaml:2: tracker `jira` needs `jira.token` (an API token: token: ${JIRA_API_TOKEN}, and export JIRA_API_TOKEN)",
			"c.yaml:6: team `platform` has no Jira project: neither its `jira.project` nor `tracker.jira.project` is set (give the team jira: {project: KEY}, or set project: KEY under tracker.jira for every team without one)",
		}},
		{"jira token unset", "tracker:\n  kind: jira\n  jira: {url: https://a.atlassian.net, user: u@a.com, token: \"${JIRA:-}\", project: OPS}\n", []string{
			"c.yaml:1: tracker `jira` needs `jira.token` (an API token: token: ${JIRA_API_TOKEN}, and export JIRA_API_TOKEN)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(tt.doc+checkTeam), env(nil))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			assertErrors(t, cfg.CheckTracker(), tt.want)
		})
	}
}

// TestCheckTrackerTeamProjects checks that tracker.jira.project is needed
// only by the teams without a project of their own.
func TestCheckTrackerTeamProjects(t *testing.T) {
	const doc = `tracker:
  kind: jira
  jira: {url: https://a.atlassian.net, user: u@a.com, token: t}
teams:
  - name: platform
    timezone: UTC
    oncall: {rotation: [U01]}
    sprint: {start: 2026-01-05, capacity: 40}
    jira: {project: PLAT}
    rules: [{name: fallback, default: true, urgency: P3}]
  - name: data
    timezone: UTC
    oncall: {rotation: [U02]}
    sprint: {start: 2026-01-05, capacity: 40}
    jira: {%s}
    rules: [{name: fallback, default: true, urgency: P3}]
`
	tests := []struct {
		name, dataJira string
		want           []string
	}{
		{"every team has its own", "project: DATA", nil},
		{"one team lacks one", "issue_type: Bug", []string{
			"c.yaml:11: team `data` has no Jira project: neither its `jira.project` nor `tracker.jira.project` is set (give the team jira: {project: KEY}, or set project: KEY under tracker.jira for every team without one)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(strings.Replace(doc, "%s", tt.dataJira, 1)), env(nil))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			assertErrors(t, cfg.CheckTracker(), tt.want)
		})
	}
}

// assertErrors checks that err is nil when want is empty, else an Errors
// with exactly the wanted lines.
func assertErrors(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("got %v, want no error", err)
		}
		return
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v, want Errors", err)
	}
	same(t, "errors", strings.Split(err.Error(), "\n"), want)
}
