package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretsConfig is a deployment config: every credential a ${VAR} without
// a default, none of them set where the offline commands run.
const secretsConfig = `slack:
  mode: socket
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
tracker:
  kind: jira
  jira:
    url: https://example.atlassian.net
    user: bot@example.com
    token: ${JIRA_TOKEN}
    project: PLAT
teams:
  - name: platform
    timezone: UTC
    oncall: {rotation: [U0PLAT001]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules:
      - {name: outage, any: [down], urgency: P1, category: incident}
      - {name: fallback, default: true, urgency: P3, category: other}
`

// TestOfflineCommandsNeedNoSecrets: a team's CI runs rules test, rules
// eval, classify, replay and report on the deployment config without the
// Slack and tracker secrets, and hears nothing about them; only check and
// serve, which connect, need them.
func TestOfflineCommandsNeedNoSecrets(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "sprintguard.yaml", secretsConfig+"storage: {path: "+filepath.Join(dir, "sg.db")+"}\n")
	cases := writeFile(t, dir, "rules_test.yaml", "team: platform\ncases:\n  - {text: the site is down, expect: {urgency: P1, rule: outage}}\n")
	labels := writeFile(t, dir, "labels.jsonl", `{"text": "the site is down", "urgency": "P1", "category": "incident"}`+"\n")
	// The example export's own labels name the example config's categories,
	// which this config does not have.
	msgLabels := writeFile(t, dir, "export.labels.jsonl", `{"channel": "platform-help", "ts": "1.1", "urgency": "P1", "category": "incident"}`+"\n")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"rules", "test", cases}, ExitOK},
		{[]string{"rules", "eval", labels, "--min-accuracy", "0.5"}, ExitOK},
		{[]string{"classify", "the site is down"}, ExitOK},
		{[]string{"replay", "--export", repo("examples", "slack-export"), "--labels", msgLabels}, ExitOK},
		// Past the config, report stops at the store serve has not made.
		{[]string{"report", "--team", "platform"}, ExitFail},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			code, _, errs := run(t, append(tc.args, "--config", cfg)...)
			if code != tc.code || strings.Contains(errs, "SLACK_BOT_TOKEN") || strings.Contains(errs, "JIRA_TOKEN") {
				t.Errorf("exit %d, stderr:\n%s\nwant %d and no word of the secrets", code, errs, tc.code)
			}
		})
	}
	if code, _, errs := run(t, "check", "--config", cfg); code == ExitOK || !strings.Contains(errs, "SLACK_BOT_TOKEN") {
		t.Errorf("check: exit %d, stderr %q; want it to name the unset SLACK_BOT_TOKEN", code, errs)
	}
}

// TestOfflineCommandsStillNeedTheStore: the storage URL is not a secret
// the offline commands may do without; reading another store quietly
// would be worse than stopping.
func TestOfflineCommandsStillNeedTheStore(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "sprintguard.yaml", secretsConfig+"storage: {driver: postgres, url: \"${DATABASE_URL}\"}\n")
	code, _, errs := run(t, "report", "--team", "platform", "--config", cfg)
	if code != ExitUsage || !strings.Contains(errs, "DATABASE_URL") {
		t.Errorf("exit %d, stderr %q; want %d and the unset DATABASE_URL", code, errs, ExitUsage)
	}
}

// TestConfigErrorsAreNotBelowMinAccuracy: CI tells a broken config (2)
// from rules that score below --min-accuracy or fail a case (1).
func TestConfigErrorsAreNotBelowMinAccuracy(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(secretsConfig, "urgency: P1", "urgency: P9", 1))
	good := writeFile(t, dir, "good.yaml", secretsConfig)
	cases := writeFile(t, dir, "rules_test.yaml", "team: platform\ncases:\n  - {text: the site is down, expect: {urgency: P3}}\n")
	labels := writeFile(t, dir, "labels.jsonl", `{"text": "the site is down", "urgency": "P3", "category": "other"}`+"\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"eval, bad config", []string{"rules", "eval", labels, "--config", bad}, ExitUsage},
		{"test, bad config", []string{"rules", "test", cases, "--config", bad}, ExitUsage},
		{"classify, bad config", []string{"classify", "x", "--config", bad}, ExitUsage},
		{"eval, below", []string{"rules", "eval", labels, "--min-accuracy", "0.99", "--config", good}, ExitFail},
		{"test, a failing case", []string{"rules", "test", cases, "--config", good}, ExitFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, errs := run(t, tc.args...); code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errs)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "sprintguard.db")); err == nil {
		t.Error("an offline command created the store")
	}
}
