package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/internal/plural"
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
		{name: "socket without app token, one problem", mode: "socket", tracker: "local", vars: without("SLACK_APP_TOKEN"), code: ExitFail,
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
				if len(lines) != len(tt.errs)+1 || lines[len(lines)-1] != plural.Count(len(tt.errs), "problem")+" found" {
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

// configMapConfig writes the config held in deploy/kubernetes/configmap.yaml
// to a file of its own, as a CI job checks it before `kubectl apply`.
func configMapConfig(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(repo("deploy", "kubernetes", "configmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(raw, &cm); err != nil {
		t.Fatal(err)
	}
	body := cm.Data["sprintguard.yaml"]
	if !strings.Contains(body, "${SLACK_BOT_TOKEN}") {
		t.Fatalf("the ConfigMap's config no longer refers to ${SLACK_BOT_TOKEN}:\n%s", body)
	}
	return writeFile(t, t.TempDir(), "sprintguard.yaml", body)
}

// lineOf returns the 1-based line of path that first contains s.
func lineOf(t *testing.T, path, s string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", path, s)
	return 0
}

func TestCheckOfflineWarnsOfUnsetVariables(t *testing.T) {
	p := configMapConfig(t)
	code, out, errs := runCheckWith(t, nil, "--offline", "--config", p)
	if code != ExitOK || !strings.Contains(out, p+": ok (1 team, ") {
		t.Fatalf("check --offline of the ConfigMap's config: exit %d, want 0\nstdout: %s\nstderr: %s", code, out, errs)
	}
	// SLACK_APP_TOKEN has a default there (${SLACK_APP_TOKEN:-}), since
	// HTTP mode does not need it: no warning for it.
	want := []string{
		fmt.Sprintf("%s:%d: warning: environment variable SLACK_BOT_TOKEN is not set (", p, lineOf(t, p, "${SLACK_BOT_TOKEN}")),
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want %d warnings:\n%s", len(lines), len(want), errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("warning %d: %q\nwant prefix %q", i+1, lines[i], w)
		}
	}

	// With the variables set there is nothing to warn about.
	code, _, errs = runCheckWith(t, map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}, "--offline", "--config", p)
	if code != ExitOK || errs != "" {
		t.Errorf("check --offline with the variables set: exit %d, stderr %q", code, errs)
	}
}

func TestCheckUnsetVariableIsAnErrorOnline(t *testing.T) {
	p := configMapConfig(t)
	for _, args := range [][]string{{}, {"--online"}} {
		t.Run(strings.Join(append([]string{"check"}, args...), " "), func(t *testing.T) {
			code, out, errs := runCheckWith(t, nil, append(args, "--config", p)...)
			want := fmt.Sprintf("%s:%d: environment variable SLACK_BOT_TOKEN is not set (", p, lineOf(t, p, "${SLACK_BOT_TOKEN}"))
			if code != ExitFail || !strings.Contains(errs, want) || strings.Contains(errs, "warning") {
				t.Errorf("exit %d, want 1 with the error %q\nstdout: %s\nstderr: %s", code, want, out, errs)
			}
		})
	}
}

// everyMistake holds mistakes that check used to report one stage at a
// time, or without a line: a duplicate intake channel across teams and an
// empty `any`, beside a bad time zone and a bad urgency.
const everyMistake = `storage:
  path: sg.db
teams:
  - name: platform
    timezone: UTC
    members: [U01]
    intake: {channels: [C0HELP]}
    oncall:
      rotation: [U01]
    sprint:
      start: 2026-01-05
      capacity: 40
    rules:
      - name: outage
        any: []
        urgency: P1
      - name: default
        default: true
        urgency: P3
  - name: data
    timezone: Europe/Pariss
    members: [U02]
    intake: {channels: [C0HELP]}
    oncall:
      rotation: [U02]
    sprint:
      start: 2026-01-05
      capacity: 40
    rules:
      - name: default
        default: true
        urgency: P5
`

func TestCheckReportsEveryMistakeAtItsLine(t *testing.T) {
	p := writeFile(t, t.TempDir(), "sprintguard.yaml", everyMistake)
	want := []string{
		p + ":15: `any` is empty, so it is no condition (",
		p + ":21: unknown time zone \"Europe/Pariss\"",
		p + ":23: intake channel C0HELP already belongs to team `platform`",
		p + ":32: urgency \"P5\" is not one of P1, P2, P3, P4",
		"4 problems found",
	}
	wantFailLines(t, p, want)
}

// twoStages has a mistake config finds (the time zone) and one only the
// classifier finds (a word both required and excluded), and a rule with
// both kinds, whose second error would repeat its first.
const twoStages = `storage:
  path: sg.db
teams:
  - name: platform
    timezone: Europe/Pariss
    members: [U01]
    oncall:
      rotation: [U01]
    sprint:
      start: 2026-01-05
      capacity: 40
    rules:
      - name: outage
        all: [down]
        none: [down]
        urgency: P1
      - name: deploys
        all: [deploy]
        none: [deploy]
        urgency: P9
      - name: default
        default: true
        urgency: P3
`

func TestCheckReportsEveryStageInOneRun(t *testing.T) {
	p := writeFile(t, t.TempDir(), "sprintguard.yaml", twoStages)
	want := []string{
		p + `:5: unknown time zone "Europe/Pariss"`,
		p + `:13: rules[0] (outage): none: "down" is also under all, so the rule can never match`,
		p + `:20: urgency "P9" is not one of P1, P2, P3, P4`,
		"3 problems found",
	}
	wantFailLines(t, p, want)
}

// urgencyBounds misuses urgency_at_least and urgency_at_most, which only
// the classifier can judge, so each error must still name its rule's line.
const urgencyBounds = `storage:
  path: sg.db
teams:
  - name: platform
    timezone: Europe/Paris
    members: [U01]
    oncall:
      rotation: [U01]
    sprint:
      start: 2026-01-05
      capacity: 40
    rules:
      - name: blocks-release
        any: [blocks the release]
        urgency_at_least: P2
        continue: true
      - name: questions
        any: [question]
        urgency: P3
        urgency_at_most: P3
      - name: wishlist
        any: [someday]
        urgency_at_least: P4
        continue: true
      - name: default
        default: true
        urgency: P3
`

func TestCheckUrgencyBoundsAtTheirLines(t *testing.T) {
	p := writeFile(t, t.TempDir(), "sprintguard.yaml", urgencyBounds)
	want := []string{
		p + ":17: rules[1] (questions): urgency_at_most: bounds the urgency another rule decides, but this rule decides it (urgency: P3); remove urgency_at_most, or move it to a continue rule",
		p + ":21: rules[2] (wishlist): urgency_at_least: changes nothing, since every request is at least P4; write P3, P2 or P1, or remove it",
		"2 problems found",
	}
	wantFailLines(t, p, want)
}

// wantFailLines runs check --offline on the config at p and checks that it
// failed with exactly the wanted lines on stderr, each given by its
// prefix, and nothing on stdout.
func wantFailLines(t *testing.T, p string, want []string) {
	t.Helper()
	code, out, errs := runCheckWith(t, nil, "--offline", "--config", p)
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if code != ExitFail || out != "" || len(lines) != len(want) {
		t.Fatalf("exit %d, want 1 and %d lines\nstdout: %s\nstderr: %s", code, len(want), out, errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q\nwant prefix %q", i+1, lines[i], w)
		}
	}
}

func TestCheckNotesRulesThatRunOnEveryRequest(t *testing.T) {
	rules := `    rules:
      - name: ends-with-a-question
        regex: "(?i)^\\W*\\w+$"
        urgency: P4
      - name: default
        default: true
        urgency: P3
`
	cfg := strings.Replace(fmt.Sprintf(credentialsConfig, "socket", "local"), `    rules:
      - name: default
        default: true
        urgency: P3
`, rules, 1)
	p := writeFile(t, t.TempDir(), "sprintguard.yaml", cfg)
	code, out, errs := runCheckWith(t, nil, "--offline", "--config", p)
	if code != ExitOK {
		t.Fatalf("check: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	// At the rule's `- name:` line, as check places problems, so that an
	// editor or a CI annotation goes to the rule.
	line := 1 + strings.Count(cfg[:strings.Index(cfg, "- name: ends-with-a-question")], "\n")
	want := fmt.Sprintf(`%s:%d: note: rule "ends-with-a-question" runs its regex on every request (team platform)`, p, line)
	if !strings.Contains(out, want) {
		t.Errorf("stdout lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, `rule "default"`) {
		t.Errorf("a rule without a regex is noted:\n%s", out)
	}
}
