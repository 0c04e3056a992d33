package config

import (
	"strings"
	"testing"
)

func TestLearnedEstimatesAreOnUnlessTurnedOff(t *testing.T) {
	tests := []struct {
		sprint string
		want   bool
	}{
		{"    sprint: {start: 2026-01-05, capacity: 40}\n", true},
		{"    sprint: {start: 2026-01-05, capacity: 40, learned_estimates: false}\n", false},
		{"    sprint: {start: 2026-01-05, capacity: 40, learned_estimates: on}\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.sprint, func(t *testing.T) {
			doc := strings.Replace(teamDoc("", ""), "    sprint: {start: 2026-01-05, capacity: 40}\n", tt.sprint, 1)
			cfg, err := Parse("v.yaml", []byte(doc), env(nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Teams[0].Sprint.LearnedEstimates; got != tt.want {
				t.Errorf("LearnedEstimates = %v, want %v", got, tt.want)
			}
		})
	}
	doc := strings.Replace(teamDoc("", ""), "capacity: 40}", "capacity: 40, learned_estimates: maybe}", 1)
	_, err := Parse("v.yaml", []byte(doc), env(nil))
	if err == nil || !strings.Contains(err.Error(), "v.yaml:5: `learned_estimates` must be true or false, got \"maybe\"") {
		t.Errorf("err = %v", err)
	}
}

func TestRuleAnswer(t *testing.T) {
	doc := strings.Replace(teamDoc("", ""), "rules: [{name: fallback, default: true, urgency: P3}]",
		"rules: [{name: vpn, any: [vpn], urgency: P3, answer: \"https://wiki.example.com/vpn\"}, {name: fallback, default: true, urgency: P3}]", 1)
	cfg, err := Parse("v.yaml", []byte(doc), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Teams[0].Rules[0].Answer; got != "https://wiki.example.com/vpn" {
		t.Errorf("answer %q", got)
	}
	bad := strings.Replace(doc, `answer: "https://wiki.example.com/vpn"`, "answer: [a, b]", 1)
	if _, err := Parse("v.yaml", []byte(bad), env(nil)); err == nil || !strings.Contains(err.Error(), "v.yaml:6: `answer`") {
		t.Errorf("err = %v, want one at the answer", err)
	}
	linked := strings.Replace(doc, `answer: "https://wiki.example.com/vpn"`,
		`answer: "Follow <https://wiki.example.com/vpn?a=1&b=2|the runbook>, ask <#C0PLATHELP|platform-help>, <@U0PLAT001> or <!subteam^S0PLAT|@platform-oncall>"`, 1)
	if _, err := Parse("v.yaml", []byte(linked), env(nil)); err != nil {
		t.Errorf("an answer with an https link and mentions: %v", err)
	}
	// The answer keeps only http(s) links and mentions written with IDs:
	// check says so at the answer's line rather than leave the team markup
	// that shows as text.
	for link, want := range map[string]string{
		"<ftp://files.example.com/vpn|the file>": "links to", "<mailto:help@example.com>": "links to", "<javascript:alert(1)|x>": "links to",
		"<!here>": "never notifies a whole channel", "<!channel|channel>": "never notifies a whole channel", "<!everyone>": "never notifies a whole channel",
		"<#platform-help>": "mentions", "<@alice>": "mentions", "<!subteam^oncall|@oncall>": "mentions",
	} {
		bad := strings.Replace(doc, `answer: "https://wiki.example.com/vpn"`, `answer: "see `+link+`"`, 1)
		if _, err := Parse("v.yaml", []byte(bad), env(nil)); err == nil || !strings.Contains(err.Error(), "v.yaml:6: `answer` ") || !strings.Contains(err.Error(), want) {
			t.Errorf("answer with %s: err = %v, want one at the answer that says %q", link, err, want)
		}
	}
}
