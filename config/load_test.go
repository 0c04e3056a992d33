package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	hour = time.Hour
	days = 24 * time.Hour
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// same fails the test when got and want differ, naming what.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n  %#v\nwant\n  %#v", what, got, want)
	}
}

func TestLoadFull(t *testing.T) {
	vars := map[string]string{"SG_BOT_TOKEN": "xoxb-test", "SG_SIGNING_SECRET": "shh", "SG_JIRA_TOKEN": "jira-tok"}
	cfg, err := Load("testdata/full.yaml", env(vars))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	const file = "testdata/full.yaml"
	t.Run("services", func(t *testing.T) {
		same(t, "Storage", cfg.Storage, Storage{Driver: DriverBolt, Line: 2, Path: filepath.Join("testdata", "data", "sg.db"), DedupeTTL: 48 * hour, Retention: 90 * days})
		same(t, "Server", cfg.Server, Server{Listen: "0.0.0.0:9090", AdminListen: "localhost:9091", ShutdownTimeout: 45 * time.Second})
		same(t, "Slack", cfg.Slack, Slack{Mode: ModeHTTP, BotToken: NewSecret("xoxb-test"), AppToken: NewSecret("xapp-1-fallback"),
			SigningSecret: NewSecret("shh"), APIURL: "http://127.0.0.1:3000/api/", Command: "/ask-ops", Pacing: PacingSlack, Line: 10})
		same(t, "Tracker", cfg.Tracker, Tracker{Kind: TrackerJira, Local: LocalTracker{Prefix: "OPS", URL: "https://sg.example.com/t/"},
			Jira: JiraTracker{URL: "https://acme.atlassian.net", User: "bot@acme.com", Token: NewSecret("jira-tok"),
				JiraProject: JiraProject{Project: "PLAT", IssueType: "Request"}, SyncEvery: time.Minute, Timeout: 15 * time.Second, MapTTL: 24 * time.Hour}, GitHub: defaultGitHub(), GitLab: defaultGitLab(), Line: 17})
		same(t, "Groups", cfg.Groups, map[string][]string{"payments": {"U0PAY001", "U0PAY002"}, "platform-leads": {"U01"}})
		same(t, "RulesFile", cfg.RulesFile, "")
	})
	shared := []Rule{
		{Name: "night-label", Channel: []string{"#platform-help", "C0HELP"}, When: "after_hours", Labels: []string{"after-hours"},
			Continue: true, File: file, Line: 32},
		{Name: "deploy-blocked", Any: []string{"blocked", "broken"}, All: []string{"deploy"}, None: []string{"test"},
			Regex: "(?i)prod(uction)?$", Type: []string{"deploy"}, Impact: []string{"customers", "several_teams"},
			RequesterIn: []string{"U01", "@platform-leads"}, When: "business_hours", NeededWithin: 36 * hour,
			Urgency: "P2", Category: "deploy", Estimate: 2.5, HasEstimate: true, Labels: []string{"deploy", "blocked"},
			SLA: SLA{Ack: 15 * time.Minute, Resolve: 4 * hour}, Team: "data", File: file, Line: 37},
		{Name: "fallback", Default: true, Urgency: "P3", Category: "other", File: file, Line: 53},
	}
	t.Run("shared rules", func(t *testing.T) {
		same(t, "Rules", cfg.Rules, shared)
	})
	if len(cfg.Teams) != 2 {
		t.Fatalf("got %d teams, want 2", len(cfg.Teams))
	}
	t.Run("team platform", func(t *testing.T) {
		team, ok := cfg.Team("platform")
		if !ok {
			t.Fatal("Team(platform) not found")
		}
		if got := team.Location().String(); got != "America/Chicago" {
			t.Errorf("Location() = %s", got)
		}
		got := *team
		got.loc = nil
		want := Team{
			Name: "platform", Channel: "C0PLATFORM", Timezone: "America/Chicago",
			Members: []string{"U01", "U02", "U03"}, Leads: []string{"U01"},
			BusinessHours: BusinessHours{Days: []time.Weekday{time.Tuesday, time.Wednesday, time.Thursday},
				Start: Clock{8, 30}, End: Clock{17, 0}, Holidays: []time.Time{date(2026, 12, 25), date(2027, 1, 1)}},
			Intake: Intake{Channels: []string{"#platform-help", "C0HELP"}, Mode: "auto", TicketDeadline: 5 * time.Minute,
				Reaction: "ticket", OptOut: "$skip", DuplicateWindow: 0, AllowBots: true, MembersAsk: true},
			Oncall: Oncall{Rotation: []string{"U02", "U03"}, Shift: 14 * days,
				Handoff: Handoff{Weekday: time.Wednesday, HasWeekday: true, At: Clock{9, 30}}, Start: date(2026, 1, 7),
				EscalateTo: "@platform-leads", Usergroup: "S0ONCALL", SetTopic: true, ReassignOnHandoff: false},
			Sprint: Sprint{Start: date(2026, 1, 5), Length: 21 * days, Capacity: 60, Unit: "hours", InterruptBudget: 0.25,
				Thresholds: []float64{0.25, 0.75, 1.5}, LearnedEstimates: true},
			Policy: Policy{P1: "accept", P2: "defer", P3: "accept", P4: "accept"},
			Report: Report{Schedule: "30 8 * * 1-5", Channel: "#platform-reports"},
			Rules:  shared, File: file, Line: 58,
		}
		same(t, "platform", got, want)
	})
	t.Run("team data", func(t *testing.T) {
		team, _ := cfg.Team("data")
		rulesFile := filepath.Join("testdata", "rules", "data.yaml")
		same(t, "Oncall", team.Oncall, Oncall{Rotation: []string{"U04"}, Shift: days, Handoff: Handoff{At: Clock{10, 0}}, ReassignOnHandoff: true})
		same(t, "Sprint", team.Sprint, Sprint{Start: date(2026, 1, 6), Length: 14 * days, Capacity: 40, Unit: "points",
			InterruptBudget: 0.2, Thresholds: []float64{0.5, 0.8, 1}, LearnedEstimates: true})
		same(t, "Report", team.Report, Report{Schedule: "0 9 * * MON", Channel: "C0DATA"})
		same(t, "RulesFile", team.RulesFile, rulesFile)
		same(t, "Rules", team.Rules, []Rule{
			{Name: "dag-failed", Any: []string{"dag failed", "airflow"}, Urgency: "P2", SLA: SLA{Ack: hour, Resolve: days}, File: rulesFile, Line: 3},
			{Name: "fallback", Default: true, Urgency: "P4", HasEstimate: true, File: rulesFile, Line: 7},
		})
	})
	t.Run("lookup", func(t *testing.T) {
		if _, ok := cfg.Team("nope"); ok {
			t.Error("Team(nope) found")
		}
	})
}

func TestLoadMinimalDefaults(t *testing.T) {
	cfg, err := Load("testdata/minimal.yaml", env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	same(t, "Storage", cfg.Storage, Storage{Driver: DriverBolt, Path: filepath.Join("testdata", "sprintguard.db"), DedupeTTL: 24 * hour})
	same(t, "Server", cfg.Server, Server{Listen: ":8080", AdminListen: "127.0.0.1:8081", ShutdownTimeout: 20 * time.Second})
	same(t, "Slack", cfg.Slack, Slack{Mode: ModeSocket, APIURL: "https://slack.com/api/", Command: "/sg", Pacing: PacingSlack})
	same(t, "Tracker", cfg.Tracker, Tracker{Kind: TrackerLocal, Local: LocalTracker{Prefix: "REQ"}, Jira: JiraTracker{
		JiraProject: JiraProject{IssueType: "Task"}, SyncEvery: time.Minute, Timeout: 15 * time.Second, MapTTL: 24 * time.Hour}, GitHub: defaultGitHub(), GitLab: defaultGitLab()})
	team := cfg.Teams[0]
	same(t, "BusinessHours", team.BusinessHours, BusinessHours{
		Days:  []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Start: Clock{9, 0}, End: Clock{18, 0}})
	same(t, "Intake", team.Intake, Intake{Mode: "prompt", TicketDeadline: 15 * time.Minute, Reaction: "ticket",
		OptOut: ":speech_balloon:", DuplicateWindow: 30 * time.Minute})
	same(t, "Oncall", team.Oncall, Oncall{Rotation: []string{"U01"}, Shift: 7 * days,
		Handoff: Handoff{Weekday: time.Monday, HasWeekday: true, At: Clock{10, 0}}, ReassignOnHandoff: true})
	same(t, "Policy", team.Policy, Policy{P1: "accept", P2: "approval", P3: "defer", P4: "backlog"})
	same(t, "Report", team.Report, Report{Schedule: "0 9 * * MON"})
}

// TestLoadErrors loads one fixture per kind of mistake and expects exactly
// the listed errors, with file and line.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		fixture string
		want    []string
	}{
		{"unknown-key", []string{":4: unknown key `chanel` in team (did you mean `channel`?)"}},
		{"wrong-type", []string{":6: `capacity` must be a number, got \"forty\""}},
		{"bad-timezone", []string{":4: unknown time zone \"Europe/Pariss\" (use an IANA name such as Europe/Paris)"}},
		{"bad-duration", []string{":6: `ticket_deadline` must be a duration, got \"15\" (a number needs a unit, e.g. 15h or 15m)"}},
		{"empty-rotation", []string{":5: `rotation` must list at least one user id (for example rotation: [U0123ABCD, U0456EFGH])"}},
		{"budget-range", []string{":6: `interrupt_budget` must be between 0% and 100%, got 120% (about 20% is usual)"}},
		{"bad-regex", []string{":9: `regex` does not compile: error parsing regexp: invalid or unsupported Perl syntax: `(?=` (the syntax is Go RE2; lookarounds and backreferences are not supported)"}},
		{"bad-urgency", []string{":8: urgency \"P5\" is not one of P1, P2, P3, P4 (critical, high, normal and low also work)"}},
		{"missing-default", []string{":7: this rule list has no `default: true` rule (add a last rule such as {name: fallback, default: true, urgency: P3})"}},
		{"duplicate-team", []string{":9: team name `platform` is used twice (first at line 3) (team names must be unique)"}},
		{"unknown-team", []string{":8: `team` names unknown team `dta` (did you mean `data`?)"}},
		{"bad-handoff", []string{":5: `handoff` must be \"Ddd HH:MM\" or \"HH:MM\", got \"Mon 25:00\" (for example \"Mon 10:00\")"}},
		{"bad-date", []string{":6: `start` must be a date YYYY-MM-DD, got \"2026-13-05\" (for example 2026-01-05)"}},
		{"no-rules", []string{":3: no rules for team platform (add a `rules:` list with a `default: true` rule, or a top-level rules_file)"}},
		{"unset-env", []string{":3: environment variable SG_TEST_UNSET_TOKEN is not set (export it, write ${SG_TEST_UNSET_TOKEN:-} to make it optional, or remove the key)"}},
		{"yaml-syntax", []string{":4: YAML syntax error: mapping values are not allowed in this context (quote a value that contains \": \", or check the indentation)"}},
		{"flow-unquoted-env", []string{":6: YAML syntax error: did not find expected ',' or '}' (the {mapping} that starts here is not closed; quote values containing { } [ ] or , such as \"${VAR}\")"}},
		{"bad-indent", []string{":6: YAML syntax error: did not find expected key (check the indentation of the block that starts here)"}},
		{"unknown-anchor", []string{":8: alias *p1 names no anchor; define `&p1` before it, or write the value out"}},
		{"tab-indent", []string{":3: YAML syntax error: found a tab character that violates indentation (indent with spaces; YAML does not allow tabs)"}},
		{"admin-listen", []string{":3: `admin_listen` must be a loopback address, got \"0.0.0.0:8081\" (use \"127.0.0.1:8081\"; the admin listener must not be reachable from the network)"}},
		{"bad-cron", []string{":7: `schedule` has a bad hour field \"25\" (use *, a value 0-23, a range a-b, a list a,b or a step */n)"}},
		{"thresholds-order", []string{":6: threshold 50% must be higher than the one before it (list thresholds in ascending order, e.g. [50%, 80%, 100%])"}},
		{"token-prefix", []string{":3: `bot_token` must start with xoxb- (use a bot token (xoxb-...), from OAuth & Permissions)"}},
		{"duplicate-key", []string{":5: key `timezone` appears twice in team (first at line 4) (remove one of them)"}},
		{"no-teams", []string{": no teams are configured (add a `teams:` list with at least one team)"}},
		{"unknown-group", []string{":10: unknown group `@payments` (defined groups: mobile)"}},
		{"default-conditions", []string{":8: default rule `fallback` must have no conditions, has `any` (it is the catch-all; move the conditions to another rule)"}},
		{"bad-channel", []string{":4: `channel` must be a channel id such as C0123ABCD or a name such as \"#help\", got \"platform\" (write \"#platform\" (quoted, since # starts a YAML comment))"}},
		{"hours-order", []string{":5: business hours end (09:00) must be after start (18:00) (hours are local to the team; overnight hours are not supported)"}},
		{"daily-weekday", []string{":5: handoff on a weekday (Mon 10:00) needs a shift in whole weeks, got 1d (write the handoff as \"HH:MM\" for daily shifts)"}},
		{"rules-and-file", []string{":8: team `platform` has both `rules_file` and `rules` (use one of them: per-list `default: true` rules cannot be combined)"}},
		{"missing-rules-file", []string{":2: cannot read rules file \"nowhere.yaml\": no such file or directory (paths are relative to the config file's directory)"}},
		{"empty", []string{": file is empty"}},
		{"two-documents", []string{":8: more than one YAML document in the file (remove the `---` separator)"}},
		{"shared-intake", []string{":12: intake channel C0HELP already belongs to team `platform` (a channel feeds one team; send requests elsewhere with a rule's `team:`)"}},
		{"no-conditions", []string{":8: rule `everything` has no conditions, so it matches every request (add a condition, or make it the catch-all with `default: true`)"}},
	}
	fixtures, _ := filepath.Glob("testdata/bad/*.yaml")
	if len(fixtures) != len(tests) {
		t.Errorf("testdata/bad has %d fixtures, the table %d: every fixture needs a case", len(fixtures), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			path := "testdata/bad/" + tt.fixture + ".yaml"
			cfg, err := Load(path, env(nil))
			if cfg != nil || err == nil {
				t.Fatalf("Load(%s) succeeded, want errors", path)
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = path + w
			}
			got := strings.Split(err.Error(), "\n")
			same(t, "errors", got, want)
		})
	}
}

func TestLoadThreeMistakes(t *testing.T) {
	_, err := Load("testdata/three-mistakes.yaml", env(nil))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Load error = %v, want Errors", err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Error())
	}
	same(t, "errors", got, []string{
		"testdata/three-mistakes.yaml:3: `mode` must be one of socket, http, got \"websocket\" (did you mean `socket`?)",
		"testdata/three-mistakes.yaml:8: `interrupt_budget` must be a percentage such as 20%, got \"20\" (write 20%)",
		"testdata/three-mistakes.yaml:14: unknown key `resolv` in sla (did you mean `resolve`?)",
	})
}

// TestLoadRulesFileErrors checks that errors inside rules files name those
// files, and that a file shared by two lists is reported once.
func TestLoadRulesFileErrors(t *testing.T) {
	_, err := Load("testdata/rules-errors.yaml", env(nil))
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	bad := filepath.Join("testdata", "rules", "bad.yaml")
	broken := filepath.Join("testdata", "rules", "broken-yaml.yaml")
	same(t, "errors", strings.Split(err.Error(), "\n"), []string{
		bad + ":2: this rule list has no `default: true` rule (add a last rule such as {name: fallback, default: true, urgency: P3})",
		bad + ":4: urgency \"P9\" is not one of P1, P2, P3, P4 (critical, high, normal and low also work)",
		bad + ":8: `team` names unknown team `analytics` (configured teams: platform, data, web)",
		bad + ":9: rule `catch` has no conditions, so it matches every request (add a condition, or make it the catch-all with `default: true`)",
		broken + ":3: YAML syntax error: did not find expected ',' or ']' (the [list] that starts here is not closed; quote items containing { } [ ] or , such as \"${VAR}\")",
	})
}

// TestParseAnchors checks that YAML anchors, aliases and merge keys work,
// since teams often share most of their settings.
func TestParseAnchors(t *testing.T) {
	const doc = `
teams:
  - &base
    name: platform
    timezone: Europe/Paris
    oncall: {rotation: [U01]}
    sprint: &sprint {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
  - <<: *base
    name: data
    sprint:
      <<: *sprint
      capacity: 20
`
	cfg, err := Parse("anchors.yaml", []byte(doc), env(nil))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	data, ok := cfg.Team("data")
	if !ok {
		t.Fatal("team data missing")
	}
	same(t, "data.Timezone", data.Timezone, "Europe/Paris")
	same(t, "data.Sprint.Capacity", data.Sprint.Capacity, 20.0)
	same(t, "data.Sprint.Start", data.Sprint.Start, date(2026, 1, 5))
	same(t, "data.Line", data.Line, 9)
	platform, _ := cfg.Team("platform")
	same(t, "platform.Sprint.Capacity", platform.Sprint.Capacity, 40.0)
}

func TestParseStoragePath(t *testing.T) {
	abs, _ := filepath.Abs("testdata/abs.db")
	tests := []struct {
		name, path, config, want string
	}{
		{"relative", "db/sg.db", "/etc/sprintguard/sg.yaml", "/etc/sprintguard/db/sg.db"},
		{"absolute", abs, "/etc/sprintguard/sg.yaml", abs},
		{"default next to config", "", "/srv/sg.yaml", "/srv/sprintguard.db"},
		{"embedded config", "", "sprintguard.yaml", "sprintguard.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/minimal.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if tt.path != "" {
				data = append([]byte("storage: {path: \""+tt.path+"\"}\n"), data...)
			}
			cfg, err := Parse(tt.config, data, env(nil))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			same(t, "Storage.Path", cfg.Storage.Path, filepath.FromSlash(tt.want))
		})
	}
}

// TestParseOptionalRulesFile checks that rules_file may come from an
// optional variable: empty means no file.
func TestParseOptionalRulesFile(t *testing.T) {
	const doc = "rules_file: ${RULES:-}\n" + `teams:
  - name: platform
    timezone: UTC
    oncall: {rotation: [U01]}
    sprint: {start: 2026-01-05, capacity: 40}
`
	tests := []struct {
		name      string
		vars      map[string]string
		wantRules []string
		wantErr   string
	}{
		{"set", map[string]string{"RULES": "rules/good.yaml"}, []string{"outage", "fallback"}, ""},
		{"unset", nil, nil, "testdata/opt.yaml:3: no rules for team platform (add a `rules:` list with a `default: true` rule, or a top-level rules_file)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("testdata/opt.yaml", []byte(doc), env(tt.vars))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var names []string
			for _, r := range cfg.Teams[0].Rules {
				names = append(names, r.Name)
			}
			same(t, "rules", names, tt.wantRules)
		})
	}
}
