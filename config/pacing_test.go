package config

import (
	"strings"
	"testing"
)

// TestSlackPacing covers slack.pacing: Slack's limits by default, off
// only toward an api_url that is not slack.com, and each mistake at its
// line.
func TestSlackPacing(t *testing.T) {
	tests := []struct {
		name, slack string
		pacing      string
		err         string
	}{
		{name: "default", slack: "", pacing: PacingSlack},
		{name: "named", slack: "slack:\n  pacing: slack\n", pacing: PacingSlack},
		{name: "off toward a proxy", slack: "slack:\n  pacing: off\n  api_url: http://127.0.0.1:9000/api/\n", pacing: PacingOff},
		{name: "off with api_url first", slack: "slack:\n  api_url: https://slack-egress.internal/api/\n  pacing: off\n", pacing: PacingOff},
		{name: "off toward slack.com", slack: "slack:\n  pacing: off\n",
			err: "v.yaml:2: `pacing: off` is not allowed with api_url https://slack.com/api/"},
		{name: "off toward a slack.com subdomain", slack: "slack:\n  api_url: https://acme.enterprise.SLACK.com/api/\n  pacing: off\n",
			err: "v.yaml:3: `pacing: off` is not allowed"},
		{name: "misspelt", slack: "slack:\n  pacing: of\n", err: "v.yaml:2: `pacing` must be one of slack, off, got \"of\" (did you mean `off`?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("v.yaml", []byte(teamDoc(tt.slack, "")), env(nil))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Slack.Pacing != tt.pacing {
				t.Errorf("pacing %q, want %q", cfg.Slack.Pacing, tt.pacing)
			}
		})
	}
}
