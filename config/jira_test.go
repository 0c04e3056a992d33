package config

import (
	"strings"
	"testing"
)

func TestJiraPerTeam(t *testing.T) {
	top := `tracker:
  kind: jira
  jira:
    url: https://acme.atlassian.net
    user: bot@acme.com
    token: ${JIRA_API_TOKEN}
    project: OPS
    board: 7
    labels: [from-slack]
    priority: {P1: Blocker}
    sync_every: 30s
`
	extra := "    jira: {project: PLAT, issue_type: Request, labels: [platform], priority: {P4: Trivial}}\n"
	cfg, err := Parse("j.yaml", []byte(teamDoc(top, extra)), env(map[string]string{"JIRA_API_TOKEN": "tok"}))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.JiraFor("platform")
	same(t, "team jira", got, JiraProject{Project: "PLAT", IssueType: "Request", Board: 7,
		Labels:   []string{"from-slack", "platform"},
		Priority: map[string]string{"P1": "Blocker", "P4": "Trivial"}})
	same(t, "unknown team", cfg.JiraFor("nope"), JiraProject{Project: "OPS", IssueType: "Task", Board: 7,
		Labels: []string{"from-slack"}, Priority: map[string]string{"P1": "Blocker"}})
	if cfg.Tracker.Jira.SyncEvery.Seconds() != 30 {
		t.Errorf("sync_every %v, want 30s", cfg.Tracker.Jira.SyncEvery)
	}
	if err := cfg.CheckTracker(); err != nil {
		t.Errorf("CheckTracker: %v", err)
	}
}

func TestJiraErrors(t *testing.T) {
	tests := []struct{ name, extra, want string }{
		{"bad board", "    jira: {board: seven}\n", "4: `board` must be a board id (a positive number), got \"seven\" (the number in the board's URL: .../boards/7)"},
		{"bad urgency", "    jira: {priority: {P9: High}}\n", "4: `priority` key \"P9\" is not an urgency (use P1, P2, P3 or P4)"},
		{"label with a space", "    jira: {labels: [from slack]}\n", "4: `labels` item Jira labels cannot hold spaces, got \"from slack\" (use - or _ instead)"},
		{"unknown key", "    jira: {projekt: OPS}\n", "4: unknown key `projekt` in jira"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("v.yaml", []byte(teamDoc("", tt.extra)), env(nil))
			if err == nil || !strings.Contains(err.Error(), "v.yaml:"+tt.want) {
				t.Fatalf("error %v, want it to contain v.yaml:%s", err, tt.want)
			}
		})
	}
}
