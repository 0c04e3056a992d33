package bot

import (
	"slices"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

func TestSummarize(t *testing.T) {
	long := strings.Repeat("word ", 40)
	deploys := strings.Repeat("deploy ", 30) // rune 149 is inside a word
	tests := []struct {
		name, text, summary string
		details             bool
		links               []string
	}{
		{"plain", "the staging deploy is stuck", "the staging deploy is stuck", false, nil},
		{"mention and channel", "<@U0PLAT001> can you look at <#C0PLATHELP|platform-help>?", "@U0PLAT001 can you look at #platform-help?", false, nil},
		{"link with label", "grafana is down: <https://grafana.example.com/d/x|dashboard>", "grafana is down: dashboard", false, []string{"https://grafana.example.com/d/x"}},
		{"bare link", "see <https://ci.example.com/1>", "see https://ci.example.com/1", false, []string{"https://ci.example.com/1"}},
		{"escapes", "a &lt; b &amp;&amp; c &gt; d", "a < b && c > d", false, nil},
		{"escaped link", "see <https://ci.example.com/b?x=1&amp;y=2|the build> and <mailto:ops@example.com>",
			"see the build and ops@example.com", false, []string{"https://ci.example.com/b?x=1&y=2"}},
		{"broadcast", "<!here> prod is down", "@here prod is down", false, nil},
		{"multi-line", "db is slow\nsince 10:00, p99 is 3s", "db is slow", true, nil},
		{"long", long, strings.TrimSpace(long[:149]) + "…", true, nil},
		{"cut at a word", deploys, strings.TrimSpace(strings.Repeat("deploy ", 21)) + "…", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, d, l := summarize(tc.text)
			if s != tc.summary {
				t.Errorf("summary = %q, want %q", s, tc.summary)
			}
			if (d != "") != tc.details {
				t.Errorf("details = %q, want details: %v", d, tc.details)
			}
			if !slices.Equal(l, tc.links) {
				t.Errorf("links = %q, want %q", l, tc.links)
			}
			if n := len([]rune(s)); n > triage.MaxSummary {
				t.Errorf("summary has %d runes, over %d", n, triage.MaxSummary)
			}
		})
	}
}
