package cli

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runCheckWith runs `check` with vars as the whole environment.
func runCheckWith(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) }}
	code = Main(context.Background(), append([]string{"check"}, args...), env)
	return code, out.String(), errb.String()
}

// credentialsConfig has `slack:` on line 3 and `tracker:` on line 9.
const credentialsConfig = `storage:
  path: sg.db
slack:
  mode: %s
  bot_token: ${SLACK_BOT_TOKEN:-}
  app_token: ${SLACK_APP_TOKEN:-}
  signing_secret: ${SLACK_SIGNING_SECRET:-}
  command: /sg
tracker:
  kind: %s
  jira:
    url: https://acme.atlassian.net
    user: sprintguard@acme.com
    token: ${JIRA_API_TOKEN:-}
    project: OPS
teams:
  - name: platform
    timezone: UTC
    members: [U01]
    oncall:
      rotation: [U01]
    sprint:
      start: 2026-01-05
      capacity: 40
    rules:
      - name: default
        default: true
        urgency: P3
`

// Values that must never be printed.
const (
	botToken      = "xoxb-1111-secretbot"
	appToken      = "xapp-1-secretapp"
	signingSecret = "secret-signing-9c1d"
	jiraToken     = "secret-jira-77ab"
)

func TestCheckCredentials(t *testing.T) {
	all := map[string]string{
		"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken,
		"SLACK_SIGNING_SECRET": signingSecret, "JIRA_API_TOKEN": jiraToken,
	}
	without := func(keys ...string) map[string]string {
		m := map[string]string{}
		for k, v := range all {
			m[k] = v
		}
		for _, k := range keys {
			delete(m, k)
		}
		return m
	}
	tests := []struct {
		name    string
		mode    string
		tracker string
		vars    map[string]string
		offline bool
		code    int
		errs    []string // each FILE:LINE: line stderr must hold, FILE left out
		out     string   // what stdout must contain when ok
	}{
		{name: "socket without app token", mode: "socket", tracker: "local", vars: without("SLACK_APP_TOKEN"), code: ExitFail,
			errs: []string{":3: slack mode `socket` needs `app_token` (set app_token: ${SLACK_APP_TOKEN}"}},
		{name: "http without signing secret", mode: "http", tracker: "local", vars: without("SLACK_SIGNING_SECRET"), code: ExitFail,
			errs: []string{":3: slack mode `http` needs `signing_secret` (set signing_secret: ${SLACK_SIGNING_SECRET}"}},
		{name: "socket with nothing set", mode: "socket", tracker: "local", vars: nil, code: ExitFail,
			errs: []string{":3: slack mode `socket` needs `bot_token`", ":3: slack mode `socket` needs `app_token`"}},
		{name: "jira without token, after slack", mode: "socket", tracker: "jira", vars: without("SLACK_APP_TOKEN", "JIRA_API_TOKEN"), code: ExitFail,
			errs: []string{":3: slack mode `socket` needs `app_token`", ":9: tracker `jira` needs `jira.token`"}},
		{name: "socket with all set", mode: "socket", tracker: "local", vars: all, code: ExitOK, out: "slack socket mode, credentials present)"},
		{name: "http with all set", mode: "http", tracker: "local", vars: without("SLACK_APP_TOKEN"), code: ExitOK, out: "slack http mode, credentials present)"},
		{name: "jira with all set", mode: "socket", tracker: "jira", vars: all, code: ExitOK, out: "tracker jira, slack socket mode"},
		{name: "offline without any", mode: "socket", tracker: "jira", vars: nil, offline: true, code: ExitOK, out: "credentials not checked (--offline)"},
		{name: "offline http without any", mode: "http", tracker: "local", vars: nil, offline: true, code: ExitOK, out: "credentials not checked (--offline)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "sprintguard.yaml", fmt.Sprintf(credentialsConfig, tt.mode, tt.tracker))
			args := []string{"--config", p}
			if tt.offline {
				args = append(args, "--offline")
			}
			code, out, errs := runCheckWith(t, tt.vars, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if len(tt.errs) > 0 {
				if len(lines) != len(tt.errs)+1 || lines[len(lines)-1] != fmt.Sprintf("%d problem(s) found", len(tt.errs)) {
					t.Errorf("stderr has %d lines, want %d problems and the count:\n%s", len(lines), len(tt.errs), errs)
				}
				for i, want := range tt.errs {
					if i < len(lines) && !strings.HasPrefix(lines[i], p+want) {
						t.Errorf("line %d: %q\nwant prefix %q", i+1, lines[i], p+want)
					}
				}
			} else if errs != "" {
				t.Errorf("stderr: %s", errs)
			}
			if tt.code == ExitOK && (!strings.Contains(out, p+": ok (") || !strings.Contains(out, tt.out)) {
				t.Errorf("stdout %q, want %q", out, tt.out)
			}
			if tt.code != ExitOK && out != "" {
				t.Errorf("stdout on failure: %q", out)
			}
			for _, secret := range []string{botToken, appToken, signingSecret, jiraToken} {
				if strings.Contains(out+errs, secret) {
					t.Errorf("output contains a secret value:\n%s%s", out, errs)
				}
			}
		})
	}
}

func TestCheckExampleNeedsCredentials(t *testing.T) {
	cfg := repo("examples", "sprintguard.yaml")
	code, out, errs := runCheckWith(t, nil, "--config", cfg)
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(cfg) + `:\d+: slack mode ` + "`socket` needs `(bot_token|app_token)`")
	if code != ExitFail || len(re.FindAllString(errs, -1)) != 2 {
		t.Errorf("check of the example without secrets: exit %d, want 1 naming bot_token and app_token\n%s%s", code, out, errs)
	}

	code, out, errs = runCheckWith(t, map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}, "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "credentials present") {
		t.Errorf("check of the example with the Socket Mode tokens: exit %d\n%s%s", code, out, errs)
	}
}
