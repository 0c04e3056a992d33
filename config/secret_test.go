package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const secretValue = "xoxb-0000-super-secret"

func TestSecretFormatting(t *testing.T) {
	set, empty := NewSecret(secretValue), Secret{}
	tests := []struct {
		name string
		got  func(Secret) string
		want string // for the set secret; an empty secret gives wantEmpty
		// wantEmpty is the output for an empty secret.
		wantEmpty string
	}{
		{"%v", func(s Secret) string { return fmt.Sprintf("%v", s) }, "[REDACTED]", ""},
		{"%+v", func(s Secret) string { return fmt.Sprintf("%+v", s) }, "[REDACTED]", ""},
		{"%#v", func(s Secret) string { return fmt.Sprintf("%#v", s) }, `config.Secret("[REDACTED]")`, `config.Secret("")`},
		{"%s", func(s Secret) string { return fmt.Sprintf("%s", s) }, "[REDACTED]", ""},
		{"%q", func(s Secret) string { return fmt.Sprintf("%q", s) }, `"[REDACTED]"`, `""`},
		{"%x", func(s Secret) string { return fmt.Sprintf("%x", s) }, "[REDACTED]", ""},
		{"%d", func(s Secret) string { return fmt.Sprintf("%d", s) }, "[REDACTED]", ""},
		{"pointer %v", func(s Secret) string { return fmt.Sprintf("%v", &s) }, "[REDACTED]", ""},
		{"String", Secret.String, "[REDACTED]", ""},
		{"json", func(s Secret) string { b, _ := json.Marshal(s); return string(b) }, `"[REDACTED]"`, `""`},
		{"text", func(s Secret) string { b, _ := s.MarshalText(); return string(b) }, "[REDACTED]", ""},
		{"yaml", func(s Secret) string { b, _ := yaml.Marshal(s); return strings.TrimSpace(string(b)) }, "'[REDACTED]'", `""`},
		{"slog value", func(s Secret) string { return s.LogValue().String() }, "[REDACTED]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(set); got != tt.want {
				t.Errorf("set secret: got %q, want %q", got, tt.want)
			}
			if got := tt.got(empty); got != tt.wantEmpty {
				t.Errorf("empty secret: got %q, want %q", got, tt.wantEmpty)
			}
		})
	}
}

func TestSecretReveal(t *testing.T) {
	tests := []struct {
		name    string
		s       Secret
		want    string
		wantSet bool
	}{
		{"set", NewSecret(secretValue), secretValue, true},
		{"empty", Secret{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Reveal(); got != tt.want {
				t.Errorf("Reveal() = %q, want %q", got, tt.want)
			}
			if got := tt.s.IsSet(); got != tt.wantSet {
				t.Errorf("IsSet() = %v, want %v", got, tt.wantSet)
			}
		})
	}
}

// TestSecretInConfig prints and logs a whole loaded config in every usual
// way and checks that no secret value appears.
func TestSecretInConfig(t *testing.T) {
	vars := map[string]string{"SG_BOT_TOKEN": secretValue, "SG_SIGNING_SECRET": "sig-" + secretValue, "SG_JIRA_TOKEN": "jira-" + secretValue}
	cfg, err := Load("testdata/full.yaml", env(vars))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var logged bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logged, nil))
	logger.Info("config", "slack", cfg.Slack, "token", cfg.Slack.BotToken, "tracker", cfg.Tracker)
	logger.Info("secret", slog.Any("jira", cfg.Tracker.Jira.Token))
	jsonOut, err := json.Marshal(cfg)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	outputs := map[string]string{
		"%v":          fmt.Sprintf("%v", cfg),
		"%+v":         fmt.Sprintf("%+v", cfg),
		"%#v":         fmt.Sprintf("%#v", cfg),
		"slack %v":    fmt.Sprintf("%v", cfg.Slack),
		"tracker %+v": fmt.Sprintf("%+v", cfg.Tracker),
		"json":        string(jsonOut),
		"slog":        logged.String(),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(out, "super-secret") {
				t.Errorf("output reveals a secret: %s", out)
			}
			if !strings.Contains(out, "[REDACTED]") {
				t.Errorf("output has no [REDACTED] marker, so the secret fields were not printed at all: %s", out)
			}
		})
	}
}

// TestSecretNotInErrors checks that a rejected secret is not quoted back.
func TestSecretNotInErrors(t *testing.T) {
	tests := []struct {
		name, doc string
	}{
		{"wrong prefix", "slack:\n  bot_token: xoxp-" + secretValue + "\n"},
		{"wrong app prefix", "slack:\n  app_token: " + secretValue + "\n"},
		{"section given a value", "slack: " + secretValue + "\n"},
		{"list for a token", "slack:\n  bot_token: [" + secretValue + "]\n"},
		{"unterminated expansion", "slack:\n  signing_secret: " + secretValue + "${X\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tt.doc), env(nil))
			if err == nil {
				t.Fatal("Parse succeeded, want errors")
			}
			if strings.Contains(err.Error(), "super-secret") {
				t.Errorf("error reveals the secret: %v", err)
			}
		})
	}
}
