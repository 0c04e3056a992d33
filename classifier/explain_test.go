package classifier

import (
	"testing"
	"time"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		d    Decision
		want string
	}{
		{"two terms", Decision{Urgency: P2, Rule: "deploy-blocked", Matched: []string{"blocked", "deploy"}},
			"P2 because rule `deploy-blocked` matched 'blocked' and 'deploy'"},
		{"one term", Decision{Urgency: P1, Rule: "outage", Matched: []string{"down"}},
			"P1 because rule `outage` matched 'down'"},
		{"three terms", Decision{Urgency: P1, Rule: "r", Matched: []string{"a", "b", "c"}},
			"P1 because rule `r` matched 'a', 'b' and 'c'"},
		{"four terms", Decision{Urgency: P4, Rule: "r", Matched: []string{"a", "b", "c", "type=question"}},
			"P4 because rule `r` matched 'a', 'b', 'c' and 'type=question'"},
		{"no terms", Decision{Urgency: P4, Rule: "quiet"}, "P4 because rule `quiet` matched"},
		{"default", Decision{Urgency: P3, Rule: "default", Default: true},
			"P3 because no rule matched (default rule `default`)"},
		{"default with continue rules", Decision{Urgency: P3, Rule: "catch-all", Default: true, Also: []string{"tag"}},
			"P3 because no rule matched (default rule `catch-all`)"},
		{"raised", Decision{Urgency: P2, Rule: "how-do-i", Matched: []string{"how do i"}, Modifier: "blocks-others", RuleUrgency: P3},
			"P2 because rule `how-do-i` matched 'how do i', raised from P3 by rule `blocks-others`"},
		{"lowered", Decision{Urgency: P3, Rule: "outage", Matched: []string{"down"}, Modifier: "just-asking", RuleUrgency: P1},
			"P3 because rule `outage` matched 'down', lowered from P1 by rule `just-asking`"},
		{"default raised", Decision{Urgency: P2, Rule: "default", Default: true, Modifier: "blocks-others", RuleUrgency: P3},
			"P2 because no rule matched (default rule `default`), raised from P3 by rule `blocks-others`"},
		{"zero decision", Decision{}, "P? because no rule was applied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Explain(); got != tt.want {
				t.Errorf("Explain() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExplainFromClassify(t *testing.T) {
	s := mustCompile(t, []Rule{
		{Name: "deploy-blocked", All: []string{"blocked", "deploy"}, Urgency: P2},
		{Name: "ops-night", Channel: []string{"#ops"}, When: "after_hours", Urgency: P1},
		{Name: "default", Default: true, Urgency: P3},
	}, Options{})
	tests := []struct {
		in   Input
		want string
	}{
		{Input{Summary: "Deploy BLOCKED"}, "P2 because rule `deploy-blocked` matched 'blocked' and 'deploy'"},
		{Input{Summary: "help", ChannelName: "ops"}, "P1 because rule `ops-night` matched 'channel=#ops' and 'after_hours'"},
		{Input{Summary: "help", ChannelName: "ops", BusinessHours: true}, "P3 because no rule matched (default rule `default`)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := s.Classify(tt.in).Explain(); got != tt.want {
				t.Errorf("Explain() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{24 * time.Hour, "24h"},
		{90 * time.Minute, "1h30m"},
		{15 * time.Minute, "15m"},
		{time.Hour + time.Second, "1h0m1s"},
		{1500 * time.Millisecond, "1.5s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := formatDuration(tt.d); got != tt.want {
				t.Errorf("formatDuration(%v) = %q, want %q", int64(tt.d), got, tt.want)
			}
		})
	}
}

// An explanation quotes each phrase once, though a keyword may also be in
// all or be what the regex matched.
func TestExplainQuotesEachPhraseOnce(t *testing.T) {
	s := mustCompile(t, []Rule{
		{Name: "ci-broken", Any: []string{"CI", "can't merge"}, Regex: `(?i)\bcan'?t merge\b`, Urgency: P2},
		{Name: "widespread", Any: []string{"nobody can"}, All: []string{"nobody can"}, Urgency: P2},
		{Name: "fallback", Default: true, Urgency: P3},
	}, Options{})
	for in, want := range map[string]string{
		"CI is red and we Can't merge anything": "P2 because rule `ci-broken` matched 'CI' and 'can't merge'",
		"nobody can log in":                     "P2 because rule `widespread` matched 'nobody can'",
	} {
		if got := s.Classify(Input{Summary: in}).Explain(); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}
