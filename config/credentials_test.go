package config

import (
	"strings"
	"testing"
)

// TestCredentialsOptional: for the offline commands an unset credential is
// absent without a word, even one an on-call source would need; the
// storage URL stays required, and without the option nothing changes.
func TestCredentialsOptional(t *testing.T) {
	const data = `slack: {bot_token: "${SLACK_BOT_TOKEN}", app_token: "${SLACK_APP_TOKEN}"}
pagerduty: {token: "${PAGERDUTY_TOKEN}"}
teams:
  - name: platform
    timezone: UTC
    oncall: {source: ical, ical: {url: "${PLATFORM_ICS}"}}
    sprint: {start: 2026-01-05, capacity: 40}
    rules:
      - {name: fallback, default: true, urgency: P3}
  - name: data
    timezone: UTC
    oncall: {source: pagerduty, pagerduty: {schedule: PABC123}}
    sprint: {start: 2026-01-05, capacity: 40}
    rules:
      - {name: fallback, default: true, urgency: P3}
`
	none := func(string) string { return "" }
	cfg, warns, err := ParseWith("c.yaml", []byte(data), Options{Getenv: none, CredentialsOptional: true})
	if err != nil || len(warns) != 0 {
		t.Fatalf("CredentialsOptional: %v, warnings %v; want neither", err, warns)
	}
	if cfg.Slack.BotToken.IsSet() || cfg.Teams[0].Oncall.ICal.URL.IsSet() {
		t.Error("an unset credential reads as set")
	}
	if _, _, err := ParseWith("c.yaml", []byte(data), Options{Getenv: none}); err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
		t.Errorf("without the option: %v, want the unset SLACK_BOT_TOKEN", err)
	}
	pg := data + "storage: {driver: postgres, url: \"${DATABASE_URL}\"}\n"
	if _, _, err := ParseWith("c.yaml", []byte(pg), Options{Getenv: none, CredentialsOptional: true}); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("storage url: %v, want the unset DATABASE_URL", err)
	}
}
