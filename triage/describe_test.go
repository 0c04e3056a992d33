package triage_test

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// TestDescribe pins the ticket description, line by line, with every
// optional part present and with none.
func TestDescribe(t *testing.T) {
	dec := classifier.Decision{Urgency: classifier.P2, Rule: "deploy-blocked", Category: "deploy"}
	tests := []struct {
		name string
		r    triage.Request
		want string
	}{
		{"everything", triage.Request{
			Summary: "deploy stuck", Details: "since 9:00, see the log", User: "U1", UserName: "Hugo", RequesterTeam: "payments",
			ChannelName: "platform-help", Channel: "C0HELP", TS: "1767710400.000200", Decision: dec,
			NeededBy: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Links: []string{"https://a.example/1", "https://b.example/2"},
			EstimateWhy: "estimate 2 points: median of REQ-12, REQ-40, REQ-77",
		}, "deploy stuck\n\nsince 9:00, see the log\n\n----\nRequested by: Hugo (U1) (@payments)\nAsked in: #platform-help\n" +
			"Slack: https://slack.com/archives/C0HELP/p1767710400000200\nUrgency: " + dec.Explain() + "\n" +
			"Estimate: 2 points: median of REQ-12, REQ-40, REQ-77\n" +
			"Needed by: 2026-11-20\nLink: https://a.example/1\nLink: https://b.example/2\n"},
		{"bare", triage.Request{Summary: "deploy stuck", User: "U1", Decision: dec},
			"deploy stuck\n\n----\nRequested by: U1\nUrgency: " + dec.Explain() + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := triage.Describe(&tc.r); got != tc.want {
				t.Errorf("Describe =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
