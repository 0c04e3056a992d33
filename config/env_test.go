package config

import (
	"strings"
	"testing"
)

// env is a fixed environment for tests; os.Getenv is never consulted.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestExpand(t *testing.T) {
	getenv := env(map[string]string{"TOKEN": "xoxb-1", "EMPTY": "", "A": "a", "B": "b"})
	tests := []struct {
		name      string
		in, want  string
		wantProbs []string
	}{
		{name: "plain", in: "hello", want: "hello"},
		{name: "set", in: "${TOKEN}", want: "xoxb-1"},
		{name: "embedded", in: "pre-${A}-${B}-post", want: "pre-a-b-post"},
		{name: "default used", in: "${NOPE:-fallback}", want: "fallback"},
		{name: "default for empty", in: "${EMPTY:-x}", want: "x"},
		{name: "default ignored", in: "${A:-x}", want: "a"},
		{name: "empty default", in: "${NOPE:-}", want: ""},
		{name: "escaped", in: "$${A}", want: "${A}"},
		{name: "double escape", in: "$$$$", want: "$$"},
		{name: "regex dollar kept", in: "down$", want: "down$"},
		{name: "lone dollar kept", in: "cost $5 $A", want: "cost $5 $A"},
		{name: "unset", in: "${NOPE}", wantProbs: []string{"environment variable NOPE is not set"}},
		{name: "empty is unset", in: "${EMPTY}", wantProbs: []string{"environment variable EMPTY is not set"}},
		{name: "two unset", in: "${X1}${X2}", wantProbs: []string{"X1 is not set", "X2 is not set"}},
		{name: "unterminated", in: "${TOKEN", wantProbs: []string{"unterminated ${"}},
		{name: "bad name", in: "${1X}", wantProbs: []string{"bad environment variable name \"1X\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, probs := expand(tt.in, getenv)
			if len(probs) != len(tt.wantProbs) {
				t.Fatalf("expand(%q) problems = %v, want %v", tt.in, probs, tt.wantProbs)
			}
			for i, p := range probs {
				if !strings.Contains(p.msg, tt.wantProbs[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, p.msg, tt.wantProbs[i])
				}
				if strings.Contains(p.msg+p.hint, "xoxb-1") {
					t.Errorf("problem %q reveals a value", p.msg)
				}
			}
			if len(tt.wantProbs) == 0 && got != tt.want {
				t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseEnv checks expansion where it matters: in a whole config, typed
// values included.
func TestParseEnv(t *testing.T) {
	const doc = `
slack:
  bot_token: %s
teams:
  - name: platform
    timezone: ${TZ_NAME:-UTC}
    intake: {opt_out: "%s"}
    oncall: {rotation: [U01]}
    sprint:
      start: 2026-01-05
      capacity: ${CAPACITY:-40}
    rules: [{name: fallback, default: true, urgency: P3}]
`
	tests := []struct {
		name         string
		token, opt   string
		vars         map[string]string
		wantToken    string
		wantOptOut   string
		wantZone     string
		wantCapacity float64
		wantErr      string
	}{
		{name: "set", token: "${BOT}", opt: "skip", vars: map[string]string{"BOT": "xoxb-42", "TZ_NAME": "Asia/Tokyo", "CAPACITY": "55"},
			wantToken: "xoxb-42", wantOptOut: "skip", wantZone: "Asia/Tokyo", wantCapacity: 55},
		{name: "defaults", token: "${BOT:-}", opt: "skip", wantOptOut: "skip", wantZone: "UTC", wantCapacity: 40},
		{name: "escaped", token: "${BOT:-}", opt: "$$skip", wantOptOut: "$skip", wantZone: "UTC", wantCapacity: 40},
		{name: "unset", token: "${BOT}", opt: "skip", wantErr: "cfg.yaml:3: environment variable BOT is not set (export it, write ${BOT:-} to make it optional, or remove the key)"},
		{name: "typed value from env", token: "${BOT:-}", opt: "x", vars: map[string]string{"CAPACITY": "lots"}, wantErr: "cfg.yaml:11: `capacity` must be a number, got \"lots\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.NewReplacer("%s", tt.token).Replace(doc)
			data = strings.Replace(data, `opt_out: "`+tt.token+`"`, `opt_out: "`+tt.opt+`"`, 1)
			cfg, err := Parse("cfg.yaml", []byte(data), env(tt.vars))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			team := cfg.Teams[0]
			if got := cfg.Slack.BotToken.Reveal(); got != tt.wantToken {
				t.Errorf("bot_token = %q, want %q", got, tt.wantToken)
			}
			if team.Intake.OptOut != tt.wantOptOut {
				t.Errorf("opt_out = %q, want %q", team.Intake.OptOut, tt.wantOptOut)
			}
			if got := team.Location().String(); got != tt.wantZone {
				t.Errorf("zone = %q, want %q", got, tt.wantZone)
			}
			if team.Sprint.Capacity != tt.wantCapacity {
				t.Errorf("capacity = %v, want %v", team.Sprint.Capacity, tt.wantCapacity)
			}
		})
	}
}

// TestParseWithUnsetWarns checks that under UnsetWarns an unset variable is
// a warning at its line and the key reads as absent, while every other
// problem stays an error.
func TestParseWithUnsetWarns(t *testing.T) {
	const doc = `slack:
  bot_token: ${BOT}
  app_token: xapp-${APP}
teams:
  - name: platform
    timezone: UTC
    oncall: {rotation: [U01]}
    sprint:
      start: 2026-01-05
      capacity: ${CAPACITY:-40}
    rules: [{name: fallback, default: true, urgency: P3}]
`
	cfg, warns, err := ParseWith("cfg.yaml", []byte(doc), Options{Getenv: env(nil), UnsetWarns: true})
	if err != nil {
		t.Fatalf("ParseWith: %v", err)
	}
	want := []string{
		"cfg.yaml:2: environment variable BOT is not set",
		"cfg.yaml:3: environment variable APP is not set",
	}
	if len(warns) != len(want) {
		t.Fatalf("warnings = %v, want %d", warns, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(warns[i].Error(), w) {
			t.Errorf("warning %d = %q, want prefix %q", i, warns[i].Error(), w)
		}
	}
	if cfg.Slack.BotToken.IsSet() || cfg.Slack.AppToken.IsSet() {
		t.Errorf("a key whose variable is unset is set: bot %v, app %v", cfg.Slack.BotToken.IsSet(), cfg.Slack.AppToken.IsSet())
	}

	bad := strings.Replace(doc, "${CAPACITY:-40}", "${CAPACITY:-lots}", 1)
	if _, _, err := ParseWith("cfg.yaml", []byte(bad), Options{Getenv: env(nil), UnsetWarns: true}); err == nil || !strings.Contains(err.Error(), "cfg.yaml:10: `capacity` must be a number") {
		t.Errorf("a bad value under UnsetWarns: err = %v, want the capacity error", err)
	}
	if _, _, err := ParseWith("cfg.yaml", []byte(doc), Options{Getenv: env(nil)}); err == nil || !strings.Contains(err.Error(), "cfg.yaml:2: environment variable BOT is not set") {
		t.Errorf("without UnsetWarns: err = %v, want the unset variable as an error", err)
	}
}

// TestParseWithPartial checks that Partial returns what could be read
// beside the errors, and that without it a config with errors is nil.
func TestParseWithPartial(t *testing.T) {
	doc := teamDoc("", "    intake: {mode: automatic}\n")
	cfg, _, err := ParseWith("p.yaml", []byte(doc), Options{Getenv: env(nil), Partial: true})
	if err == nil || cfg == nil || len(cfg.Teams) != 1 || cfg.Teams[0].Name != "platform" || len(cfg.Teams[0].Rules) != 1 {
		t.Fatalf("Partial: cfg %+v, err %v; want the team read and the error", cfg, err)
	}
	if cfg, _, err := ParseWith("p.yaml", []byte(doc), Options{Getenv: env(nil)}); cfg != nil || err == nil {
		t.Errorf("without Partial: cfg %v, err %v; want nil and the error", cfg, err)
	}
}
