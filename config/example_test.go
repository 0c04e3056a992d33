package config_test

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
)

// noEnv is an empty environment: the example must load without secrets.
func noEnv(string) string { return "" }

func TestExampleConfig(t *testing.T) {
	loaders := []struct {
		name string
		load func() (*config.Config, error)
	}{
		{"file", func() (*config.Config, error) { return config.Load("../examples/sprintguard.yaml", noEnv) }},
		{"embedded", func() (*config.Config, error) { return config.Parse("sprintguard.yaml", examples.Config, noEnv) }},
	}
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) {
			cfg, err := l.load()
			if err != nil {
				t.Fatalf("example does not validate:\n%v", err)
			}
			checkExample(t, cfg)
		})
	}
}

// checkExample checks the sample workspace the demo and the slack export
// rely on.
func checkExample(t *testing.T, cfg *config.Config) {
	if cfg.Tracker.Kind != config.TrackerLocal || cfg.Slack.Mode != config.ModeSocket {
		t.Errorf("tracker %q, slack mode %q; want local and socket", cfg.Tracker.Kind, cfg.Slack.Mode)
	}
	// The starter rules cover outages, CI breakage, security, access,
	// infra changes and questions in real phrasing (issue 12): a team's
	// first year of rules, not a toy, but still one screenful per area
	// (about a dozen areas of two to five rules each). Continue rules
	// are left out: they label or bound urgency across areas, and one
	// of them replaces the same words in many rules. A family of words
	// written as a regex is a rule of its own, since a rule's phrase list
	// and its regex must both match (session 19 added four, session 20
	// four more: capacity-request, custom-domain, account-deletion and
	// name-taken, from a second writer's phrasings; session 21 three:
	// regional-problem and data-lost from the guide's bullets, and
	// ci-stalled, split from ci-broken to keep its regex filtered).
	n := 0
	for _, r := range cfg.Rules {
		if !r.Continue {
			n++
		}
	}
	if n < 15 || n > 60 {
		t.Errorf("example has %d shared rules that decide, want about 15-60", n)
	}
	teams := []struct {
		name, zone, channel, intake string
		rotation                    []string
		capacity                    float64
		ownRules                    bool
	}{
		{"platform", "America/Chicago", "C0PLATFORM", "C0PLATHELP", []string{"U0PLAT002", "U0PLAT003", "U0PLAT004"}, 60, false},
		{"data", "Europe/Berlin", "C0DATA", "C0DATAHELP", []string{"U0DATA002", "U0DATA003"}, 40, true},
	}
	for _, want := range teams {
		t.Run(want.name, func(t *testing.T) {
			team, ok := cfg.Team(want.name)
			if !ok {
				t.Fatalf("team %s missing", want.name)
			}
			if team.Location().String() != want.zone || team.Channel != want.channel {
				t.Errorf("zone %s channel %s, want %s %s", team.Location(), team.Channel, want.zone, want.channel)
			}
			if len(team.Intake.Channels) != 1 || team.Intake.Channels[0] != want.intake {
				t.Errorf("intake %v, want [%s]", team.Intake.Channels, want.intake)
			}
			if len(team.Oncall.Rotation) != len(want.rotation) {
				t.Fatalf("rotation %v, want %v", team.Oncall.Rotation, want.rotation)
			}
			for i := range want.rotation {
				if team.Oncall.Rotation[i] != want.rotation[i] {
					t.Errorf("rotation %v, want %v", team.Oncall.Rotation, want.rotation)
				}
			}
			if team.Sprint.Capacity != want.capacity || team.Sprint.InterruptBudget != 0.2 {
				t.Errorf("capacity %v budget %v, want %v and 0.2", team.Sprint.Capacity, team.Sprint.InterruptBudget, want.capacity)
			}
			ownRules := len(team.Rules) > 0 && team.Rules[0].Name != cfg.Rules[0].Name
			if ownRules != want.ownRules {
				t.Errorf("team has its own rules = %v, want %v", ownRules, want.ownRules)
			}
			defaults := 0
			for _, r := range team.Rules {
				if r.Default {
					defaults++
				}
			}
			if defaults != 1 {
				t.Errorf("%d default rules in effect, want 1", defaults)
			}
		})
	}
}

// TestExampleShowsAnswersAndLearnedEstimates: the example documents by
// example, so the settings added since it was written appear in it: a
// continue rule with an answer (README's pattern) and a team's
// learned_estimates, written out.
func TestExampleShowsAnswersAndLearnedEstimates(t *testing.T) {
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	answered := false
	for _, r := range cfg.Rules {
		answered = answered || r.Continue && r.Answer != ""
	}
	if !answered {
		t.Error("no continue rule of the example carries an answer")
	}
	if !strings.Contains(string(examples.Config), "\n      learned_estimates: ") {
		t.Error("no team of the example writes out sprint.learned_estimates")
	}
}

func BenchmarkParseExample(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(examples.Config)))
	for b.Loop() {
		if _, err := config.Parse("sprintguard.yaml", examples.Config, noEnv); err != nil {
			b.Fatal(err)
		}
	}
}

// The Jira example loads, and with its token set it has what serve needs.
func TestJiraExample(t *testing.T) {
	env := map[string]string{"JIRA_API_TOKEN": "tok", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
	cfg, err := config.Load("../examples/jira.yaml", func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("examples/jira.yaml does not validate:\n%v", err)
	}
	if err := cfg.CheckTracker(); err != nil {
		t.Fatalf("CheckTracker: %v", err)
	}
	j := cfg.JiraFor("platform")
	if cfg.Tracker.Kind != config.TrackerJira || j.Project != "PLAT" || j.Board != 12 || j.Priority["P1"] != "Highest" {
		t.Fatalf("tracker %q, platform's jira %+v", cfg.Tracker.Kind, j)
	}
}
