package config

import (
	"strings"
	"testing"
	"time"
)

// teamDoc returns a valid config with top prepended at the top level and
// extra lines added to the team (indented by four spaces). The team's
// extra lines start at line len(top lines)+4.
func teamDoc(top, extra string) string {
	return top + `teams:
  - name: platform
    timezone: UTC
` + extra + `    oncall: {rotation: [U01]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`
}

// TestParseValueErrors covers the smaller mistakes, each with its exact
// message and line.
func TestParseValueErrors(t *testing.T) {
	tests := []struct {
		name, top, extra string
		want             []string
	}{
		{"bool", "", "    intake: {allow_bots: maybe}\n", []string{"4: `allow_bots` must be true or false, got \"maybe\""}},
		{"mapping for a list", "", "    members: {a: U01}\n", []string{"4: `members` must be a list, got a mapping (write [a, b] or one `- item` per line)"}},
		{"list for a mapping", "", "    intake: [C01]\n", []string{"4: intake must be a mapping of keys, got a list"}},
		{"list for a value", "", "    channel: [C01]\n", []string{"4: `channel` must be a single value, got a list"}},
		{"bad member", "", "    members: [U01, alice]\n", []string{"4: `members` item must be a Slack user id such as U0123ABCD, got \"alice\" (in Slack: the person's profile, ⋮ menu, Copy member ID)"}},
		{"member twice", "", "    members:\n      - U01\n      - U01\n", []string{"6: `members` lists U01 twice (first at line 5)"}},
		{"retention too short", "storage: {retention: 2h}\n", "", []string{"1: `retention` must be 0 (keep forever) or at least 1d"}},
		{"retention negative", "storage: {retention: -3}\n", "", []string{"1: `retention` must not be negative, got \"-3\""}},
		{"dedupe too short", "storage: {dedupe_ttl: 10m}\n", "", []string{"1: `dedupe_ttl` must be at least 1h (Slack retries events for up to an hour)"}},
		{"bad group handle", "groups:\n  Pay Ments: [U01]\n", "", []string{"2: group handle \"Pay Ments\" must be lowercase letters, digits, -, _ or . (write the handle without @)"}},
		{"groups not a mapping", "groups: [U01]\n", "", []string{"1: `groups` must be a mapping of handle to user ids, got a list (for example payments: [U0PAY001, U0PAY002])"}},
		{"bad command", "slack: {command: sg}\n", "", []string{"1: `command` must be a slash command such as /sg, got \"sg\" (a / then lowercase letters, digits, - or _)"}},
		{"bad api url", "slack: {api_url: slack.com}\n", "", []string{"1: `api_url` must be an http(s) URL, got \"slack.com\" (for example https://example.com/)"}},
		{"bad prefix", "tracker: {local: {prefix: req}}\n", "", []string{"1: `prefix` must be 2-10 capital letters or digits starting with a letter, got \"req\" (for example REQ)"}},
		{"oncall start weekday", "", "    oncall: {rotation: [U01], start: 2026-01-07}\n", []string{"4: on-call `start` 2026-01-07 is a Wednesday but the handoff is on Monday (shifts begin at the handoff; use a date on the handoff's weekday)"}},
		{"bad usergroup", "", "    oncall: {rotation: [U01], usergroup: \"@oncall\"}\n", []string{"4: `usergroup` must be a Slack user group id such as S0123ABCD, got \"@oncall\" (the id, not the @handle)"}},
		{"bad reaction", "", "    intake: {reaction: \"Ticket Please\"}\n", []string{"4: `reaction` must be an emoji name such as ticket, got \"Ticket Please\" (lowercase, without colons)"}},
		{"bad intake mode", "", "    intake: {mode: automatic}\n", []string{"4: `mode` must be one of prompt, auto, got \"automatic\""}},
		{"threshold too high", "", "    sprint: {start: 2026-01-05, capacity: 40, thresholds: [50%, 250%]}\n", []string{"4: threshold 250% must be between 1% and 200%"}},
		{"thresholds empty", "", "    sprint: {start: 2026-01-05, capacity: 40, thresholds: []}\n", []string{"4: `thresholds` must list at least one percentage (or remove the key for the default [50%, 80%, 100%])"}},
		{"capacity zero", "", "    sprint: {start: 2026-01-05, capacity: 0}\n", []string{"4: `capacity` must be more than 0, got 0 (the team's points or hours per sprint)"}},
		{"sprint without start", "", "    sprint: {capacity: 10}\n", []string{"4: team `platform` has no sprint `start` (add start: YYYY-MM-DD, any sprint's first day)"}},
		{"misspelt key is one mistake", "", "    timezon: UTC\n", []string{"4: unknown key `timezon` in team (did you mean `timezone`?)"}},
		{"policy", "", "    policy: {p2: approve}\n", []string{"4: `p2` must be one of approval, accept, defer, got \"approve\" (did you mean `approval`?)"}},
		{"bad days", "", "    business_hours: {days: [Mon, Mon, Funday]}\n", []string{
			"4: `days` lists Monday twice",
			"4: `days` item must be a weekday, got \"Funday\" (use Mon, Tue, Wed, Thu, Fri, Sat or Sun)",
		}},
		{"merge of a value", "", "    <<: 3\n", []string{"4: `<<` in team must name a mapping (write <<: *anchor)"}},
		{"escalate to unknown group", "", "    oncall: {rotation: [U01], escalate_to: \"@leads\"}\n", []string{"4: unknown group `@leads` (define it under the top-level `groups:`, e.g. leads: [U0123ABCD])"}},
		{"teams empty", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := teamDoc(tt.top, tt.extra)
			if strings.Contains(tt.extra, "oncall:") {
				doc = strings.Replace(doc, "    oncall: {rotation: [U01]}\n", "", 1)
			}
			if strings.Contains(tt.extra, "sprint:") {
				doc = strings.Replace(doc, "    sprint: {start: 2026-01-05, capacity: 40}\n", "", 1)
			}
			if tt.name == "teams empty" {
				doc = "teams: []\n"
				tt.want = []string{"1: `teams` must be a list of at least one team, got an empty list (one `- name: ...` item per team)"}
			}
			_, err := Parse("v.yaml", []byte(doc), env(nil))
			if err == nil {
				t.Fatalf("Parse succeeded, want errors; doc:\n%s", doc)
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = "v.yaml:" + w
			}
			same(t, "errors", strings.Split(err.Error(), "\n"), want)
		})
	}
}

// TestParseRuleErrors covers mistakes inside rules.
func TestParseRuleErrors(t *testing.T) {
	tests := []struct {
		name, rules string
		want        []string
	}{
		{"bad type", "[{name: a, type: [acess], urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `type` item must be one of access, deploy, incident, infra_change, question, other, got \"acess\" (did you mean `access`?)"}},
		{"bad impact", "[{name: a, impact: [everyone], urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `impact` item must be one of just_me, my_team, several_teams, customers, got \"everyone\""}},
		{"bad in", "[{name: a, any: [x], in: [text, logs], urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `in` item must be one of text, code, got \"logs\""}},
		{"negative estimate", "[{name: a, any: [x], estimate: -1, urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `estimate` must be 0 or more, got -1"}},
		{"zero needed_within", "[{name: a, needed_within: 0, urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `needed_within` must be more than 0"}},
		{"resolve before ack", "[{name: a, any: [x], urgency: P3, sla: {ack: 4h, resolve: 1h}}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `resolve` (1h0m0s) is shorter than `ack` (4h0m0s) (a request is acknowledged before it is resolved)"}},
		{"two defaults", "[{name: a, default: true, urgency: P3}, {name: b, default: true, urgency: P4}]",
			[]string{"1: rule `b` is a second `default: true` rule (the first is `a` at line 1) (keep exactly one catch-all)"}},
		{"same name", "[{name: a, any: [x], urgency: P3}, {name: a, default: true, urgency: P3}]",
			[]string{"1: rule name `a` is used twice in this list (first at line 1) (rule names must be unique; reports and explanations use them)"}},
		{"no name", "[{any: [x], urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: rule has no `name` (every rule needs a unique name; requesters and reports see it)"}},
		{"no urgency", "[{name: a, any: [x]}, {name: z, default: true, urgency: P3}]",
			[]string{"1: rule `a` has no `urgency` (add urgency: P1, P2, P3 or P4, or `continue: true` to only add labels)"}},
		{"bad urgency bound", "[{name: a, any: [x], continue: true, urgency_at_least: P0}, {name: z, default: true, urgency: P3}]",
			[]string{"1: urgency \"P0\" is not one of P1, P2, P3, P4 (critical, high, normal and low also work)"}},
		{"urgency bound not a value", "[{name: a, any: [x], continue: true, urgency_at_most: [P3]}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `urgency_at_most` must be a single value, got a list"}},
		{"default continues", "[{name: z, default: true, continue: true, urgency: P3}]",
			[]string{"1: default rule `z` cannot `continue` (it is the last word on urgency)"}},
		{"empty any", "[{name: a, any: [], urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `any` is empty, so it is no condition (list what it must match, e.g. any: [...], or remove the key)"}},
		{"empty any beside a real condition", "[{name: a, any: [down], none: [], urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `none` is empty, so it is no condition (list what it must match, e.g. none: [...], or remove the key)"}},
		{"null channel", "[{name: a, channel: null, urgency: P3}, {name: z, default: true, urgency: P3}]",
			[]string{"1: `channel` is empty, so it is no condition (list what it must match, e.g. channel: [...], or remove the key)"}},
		{"rule not a mapping", "[deploy, {name: z, default: true, urgency: P3}]",
			[]string{"1: a rule must be a mapping, got a single value (for example {name: deploys, any: [deploy], urgency: P3})"}},
		{"rules not a list", "{name: z, default: true, urgency: P3}",
			[]string{"1: rules must be a list, got a mapping (one `- name: ...` item per rule)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "rules: " + tt.rules + "\n" + teamDoc("", "")
			doc = strings.Replace(doc, "    rules: [{name: fallback, default: true, urgency: P3}]\n", "", 1)
			_, err := Parse("r.yaml", []byte(doc), env(nil))
			if err == nil {
				t.Fatal("Parse succeeded, want errors")
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = "r.yaml:" + w
			}
			same(t, "errors", strings.Split(err.Error(), "\n"), want)
		})
	}
}

func TestRuleHasConditions(t *testing.T) {
	tests := []struct {
		name string
		r    Rule
		want bool
	}{
		{"none", Rule{Name: "a", Urgency: "P3", Labels: []string{"x"}}, false},
		{"words", Rule{Any: []string{"x"}}, true},
		{"regex", Rule{Regex: "x"}, true},
		{"when", Rule{When: "after_hours"}, true},
		{"needed within", Rule{NeededWithin: time.Hour}, true},
		{"requester", Rule{RequesterIn: []string{"U01"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.HasConditions(); got != tt.want {
				t.Errorf("HasConditions() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTeamLocationByHand(t *testing.T) {
	tests := []struct {
		zone, want string
	}{
		{"Asia/Kolkata", "Asia/Kolkata"},
		{"Not/AZone", "UTC"},
		{"", "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			team := Team{Timezone: tt.zone}
			if got := team.Location().String(); got != tt.want {
				t.Errorf("Location() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseWholeFile(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"top level list", "- a\n- b\n", "w.yaml:1: a config must be a mapping of keys such as `teams:`, got a list"},
		{"only comments", "# nothing here\n", "w.yaml: file is empty"},
		{"only a value", "hello\n", "w.yaml:1: a config must be a mapping of keys such as `teams:`, got a single value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("w.yaml", []byte(tt.doc), env(nil))
			if cfg != nil || err == nil || err.Error() != tt.want {
				t.Errorf("Parse = %v, %v; want error %q", cfg, err, tt.want)
			}
		})
	}
}
