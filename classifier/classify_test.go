package classifier

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustCompile(t testing.TB, rules []Rule, opt Options) *Set {
	t.Helper()
	s, err := Compile(rules, opt)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

var testGroups = map[string][]string{
	"sre":        {"U0SRE1", "U0SRE2"},
	"leadership": {"U0BOSS"},
}

func TestConditions(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		rule    Rule // Name and Urgency are filled in
		in      Input
		want    bool
		matched []string
	}{
		{"any one of", Rule{Any: []string{"outage", "down"}}, Input{Summary: "site is down"}, true, []string{"down"}},
		{"any lists every hit in rule order", Rule{Any: []string{"outage", "down"}}, Input{Summary: "down: full outage"}, true, []string{"outage", "down"}},
		{"any none present", Rule{Any: []string{"outage", "down"}}, Input{Summary: "slow"}, false, nil},
		{"all present", Rule{All: []string{"deploy", "blocked"}}, Input{Summary: "deploy blocked"}, true, []string{"deploy", "blocked"}},
		{"all one missing", Rule{All: []string{"deploy", "blocked"}}, Input{Summary: "deploy done"}, false, nil},
		{"none absent", Rule{Any: []string{"deploy"}, None: []string{"staging"}}, Input{Summary: "deploy prod"}, true, []string{"deploy"}},
		{"none present", Rule{Any: []string{"deploy"}, None: []string{"staging"}}, Input{Summary: "deploy", Details: "on staging"}, false, nil},
		{"none alone", Rule{None: []string{"urgent"}}, Input{Summary: "whenever"}, true, nil},
		{"any and all", Rule{Any: []string{"prod", "production"}, All: []string{"db"}}, Input{Summary: "production db slow"}, true, []string{"production", "db"}},
		{"any and all, any missing", Rule{Any: []string{"prod", "production"}, All: []string{"db"}}, Input{Summary: "staging db slow"}, false, nil},
		{"regex", Rule{Regex: `(?i)CVE-\d{4}-\d+`}, Input{Details: "fix cve-2024-3094 now"}, true, []string{"cve-2024-3094"}},
		{"regex is case-sensitive by default", Rule{Regex: `CVE-\d+`}, Input{Summary: "cve-1"}, false, nil},
		{"regex spans summary and details", Rule{Regex: `help\nplease`}, Input{Summary: "help", Details: "please"}, true, []string{"help please"}},
		{"regex no match", Rule{Regex: `\bsev[12]\b`}, Input{Summary: "sev3"}, false, nil},
		{"regex and keyword", Rule{Any: []string{"cert"}, Regex: `expir\w*`}, Input{Summary: "cert expires soon"}, true, []string{"cert", "expires"}},
		{"regex and keyword, keyword missing", Rule{Any: []string{"cert"}, Regex: `expir\w*`}, Input{Summary: "token expires"}, false, nil},
		{"type", Rule{Type: []string{"deploy", "incident"}}, Input{Type: "Incident"}, true, []string{"type=incident"}},
		{"type other", Rule{Type: []string{"deploy"}}, Input{Type: "question"}, false, nil},
		{"type empty input", Rule{Type: []string{"deploy"}}, Input{}, false, nil},
		{"impact", Rule{Impact: []string{"customers"}}, Input{Impact: "customers"}, true, []string{"impact=customers"}},
		{"impact other", Rule{Impact: []string{"customers"}}, Input{Impact: "just me"}, false, nil},
		{"channel id", Rule{Channel: []string{"C0OPS"}}, Input{Channel: "C0OPS", ChannelName: "ops"}, true, []string{"channel=C0OPS"}},
		{"channel name", Rule{Channel: []string{"#ops"}}, Input{Channel: "C0OPS", ChannelName: "ops"}, true, []string{"channel=#ops"}},
		{"channel name with hash and case", Rule{Channel: []string{"#Ops"}}, Input{ChannelName: "#ops"}, true, []string{"channel=#Ops"}},
		{"channel other", Rule{Channel: []string{"#ops", "C0SEC"}}, Input{Channel: "C0DEV", ChannelName: "dev"}, false, nil},
		{"channel empty input", Rule{Channel: []string{"#ops"}}, Input{}, false, nil},
		{"requester id", Rule{RequesterIn: []string{"U0CEO"}}, Input{Requester: "U0CEO"}, true, []string{"requester=U0CEO"}},
		{"requester via group", Rule{RequesterIn: []string{"@sre"}}, Input{Requester: "U0SRE2"}, true, []string{"requester=@sre"}},
		{"requester via group, case-insensitive handle", Rule{RequesterIn: []string{"@SRE"}}, Input{Requester: "U0SRE1"}, true, []string{"requester=@SRE"}},
		{"requester first entry wins", Rule{RequesterIn: []string{"@leadership", "U0BOSS"}}, Input{Requester: "U0BOSS"}, true, []string{"requester=@leadership"}},
		{"requester not member", Rule{RequesterIn: []string{"@sre", "U0CEO"}}, Input{Requester: "U0DEV"}, false, nil},
		{"business hours", Rule{When: "business_hours"}, Input{BusinessHours: true}, true, []string{"business_hours"}},
		{"business hours, outside", Rule{When: "business_hours"}, Input{}, false, nil},
		{"after hours", Rule{When: "AFTER_HOURS"}, Input{}, true, []string{"after_hours"}},
		{"after hours, inside", Rule{When: "after_hours"}, Input{BusinessHours: true}, false, nil},
		{"needed within", Rule{NeededWithin: 24 * time.Hour}, Input{At: at, NeededBy: at.Add(23 * time.Hour)}, true, []string{"needed_within=24h"}},
		{"needed within, exactly", Rule{NeededWithin: 24 * time.Hour}, Input{At: at, NeededBy: at.Add(24 * time.Hour)}, true, []string{"needed_within=24h"}},
		{"needed within, later", Rule{NeededWithin: 24 * time.Hour}, Input{At: at, NeededBy: at.Add(25 * time.Hour)}, false, nil},
		{"needed within, overdue", Rule{NeededWithin: time.Hour}, Input{At: at, NeededBy: at.Add(-time.Hour)}, true, []string{"needed_within=1h"}},
		{"needed within, no deadline", Rule{NeededWithin: 24 * time.Hour}, Input{At: at}, false, nil},
		{"needed within, other zone", Rule{NeededWithin: 90 * time.Minute}, Input{At: at, NeededBy: at.Add(time.Hour).In(paris)}, true, []string{"needed_within=1h30m"}},
		{"everything", Rule{
			Any: []string{"db"}, All: []string{"prod"}, None: []string{"test"}, Regex: `\d+%`,
			Type: []string{"incident"}, Impact: []string{"customers"}, Channel: []string{"#ops"},
			RequesterIn: []string{"@sre"}, When: "after_hours", NeededWithin: time.Hour,
		}, Input{
			Summary: "prod db at 100% cpu", Type: "incident", Impact: "customers", ChannelName: "ops",
			Requester: "U0SRE1", At: at, NeededBy: at,
		}, true, []string{"db", "prod", "100%", "type=incident", "impact=customers", "channel=#ops", "requester=@sre", "after_hours", "needed_within=1h"}},
		{"everything but one", Rule{
			Any: []string{"db"}, All: []string{"prod"}, Type: []string{"incident"}, Channel: []string{"#ops"},
			RequesterIn: []string{"@sre"}, When: "after_hours",
		}, Input{
			Summary: "prod db", Type: "incident", ChannelName: "ops", Requester: "U0SRE1", BusinessHours: true,
		}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Name, r.Urgency = "rule", P1
			s := mustCompile(t, []Rule{r, {Name: "default", Default: true, Urgency: P4}}, Options{Groups: testGroups})
			d := s.Classify(tt.in)
			if got := d.Rule == "rule"; got != tt.want {
				t.Fatalf("rule matched = %v, want %v (decision %+v)", got, tt.want, d)
			}
			if !tt.want {
				if !d.Default || d.Urgency != P4 || d.Matched != nil {
					t.Errorf("fallback decision = %+v, want the default rule with no matched terms", d)
				}
				return
			}
			if d.Urgency != P1 || d.Default {
				t.Errorf("decision = %+v, want P1 from the rule", d)
			}
			if !slices.Equal(d.Matched, tt.matched) {
				t.Errorf("Matched = %q, want %q", d.Matched, tt.matched)
			}
		})
	}
}

func TestUnresolvedGroupsMatchNobody(t *testing.T) {
	s := mustCompile(t, []Rule{
		{Name: "sre", RequesterIn: []string{"@sre"}, Urgency: P1},
		{Name: "default", Default: true, Urgency: P4},
	}, Options{})
	if d := s.Classify(Input{Requester: "U0SRE1"}); d.Rule != "default" {
		t.Errorf("without Options.Groups a group matched: %+v", d)
	}
}

func TestOrderContinueDefault(t *testing.T) {
	sla := SLA{Ack: 15 * time.Minute, Resolve: 4 * time.Hour}
	rules := []Rule{
		{Name: "tag-prod", Any: []string{"prod"}, Continue: true, Labels: []string{"prod", "interrupt"}, Category: "production", SLA: SLA{Resolve: 8 * time.Hour}, Team: "platform"},
		{Name: "default", Default: true, Urgency: P3, Category: "other", Labels: []string{"triage"}},
		{Name: "tag-db", Any: []string{"db"}, Continue: true, Labels: []string{"db", "prod"}, Category: "database", Estimate: 2},
		{Name: "outage", Any: []string{"down", "outage"}, Urgency: P1, Labels: []string{"incident", "interrupt"}, SLA: SLA{Ack: 5 * time.Minute}},
		{Name: "db-question", All: []string{"db", "question"}, Urgency: P4, Category: "question", Estimate: 0.5, SLA: sla, Team: "data"},
		{Name: "late-tag", Any: []string{"down", "question", "slow"}, Continue: true, Labels: []string{"late"}},
		{Name: "slow", Any: []string{"slow"}, Urgency: P3},
	}
	s := mustCompile(t, rules, Options{})
	tests := []struct {
		name, text string
		want       Decision
	}{
		{"first match wins over later rules", "prod db down, also a question", Decision{
			Urgency: P1, Category: "production", Estimate: 2, Labels: []string{"prod", "interrupt", "db", "incident"},
			SLA: SLA{Ack: 5 * time.Minute, Resolve: 8 * time.Hour}, Team: "platform",
			Rule: "outage", Matched: []string{"down"}, Also: []string{"tag-prod", "tag-db"},
		}},
		{"deciding rule values beat continue values", "prod db question", Decision{
			Urgency: P4, Category: "question", Estimate: 0.5, Labels: []string{"prod", "interrupt", "db"}, SLA: sla, Team: "data",
			Rule: "db-question", Matched: []string{"db", "question"}, Also: []string{"tag-prod", "tag-db"},
		}},
		{"no continue", "outage", Decision{
			Urgency: P1, Labels: []string{"incident", "interrupt"}, SLA: SLA{Ack: 5 * time.Minute},
			Rule: "outage", Matched: []string{"outage"},
		}},
		{"continue after the default position still applies", "it is slow", Decision{
			Urgency: P3, Labels: []string{"late"}, Rule: "slow", Matched: []string{"slow"}, Also: []string{"late-tag"},
		}},
		{"default", "hello", Decision{Urgency: P3, Category: "other", Labels: []string{"triage"}, Rule: "default", Default: true}},
		{"default merged with continue", "prod question", Decision{
			Urgency: P3, Category: "other", Labels: []string{"prod", "interrupt", "late", "triage"}, SLA: SLA{Resolve: 8 * time.Hour},
			Team: "platform", Rule: "default", Default: true, Also: []string{"tag-prod", "late-tag"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Classify(Input{Summary: tt.text})
			if !equalDecision(got, tt.want) {
				t.Errorf("Classify(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}

func equalDecision(a, b Decision) bool {
	return a.Urgency == b.Urgency && a.Category == b.Category && a.Estimate == b.Estimate &&
		slices.Equal(a.Labels, b.Labels) && a.SLA == b.SLA && a.Team == b.Team && a.Rule == b.Rule &&
		a.Default == b.Default && slices.Equal(a.Matched, b.Matched) && slices.Equal(a.Also, b.Also) &&
		a.Modifier == b.Modifier && a.RuleUrgency == b.RuleUrgency
}

func TestDecisionDoesNotShareSetMemory(t *testing.T) {
	rules := []Rule{
		{Name: "r", Any: []string{"x"}, Urgency: P2, Labels: []string{"a"}},
		{Name: "default", Default: true, Urgency: P3},
	}
	s := mustCompile(t, rules, Options{})
	rules[0].Labels[0] = "changed by caller"
	d := s.Classify(Input{Summary: "x"})
	d.Labels[0] = "changed by user"
	got := s.Rules()
	got[0].Any[0] = "changed via Rules"
	if d2 := s.Classify(Input{Summary: "x"}); d2.Labels[0] != "a" || d2.Rule != "r" {
		t.Errorf("Set changed by its callers: %+v", d2)
	}
}

func TestRegexMatchIsShortened(t *testing.T) {
	s := mustCompile(t, []Rule{
		{Name: "long", Regex: `(?s)start.*end`, Urgency: P2},
		{Name: "default", Default: true, Urgency: P3},
	}, Options{})
	d := s.Classify(Input{Summary: "start", Details: strings.Repeat("word ", 100) + "end"})
	if len(d.Matched) != 1 || !strings.HasPrefix(d.Matched[0], "start word word") || !strings.HasSuffix(d.Matched[0], "…") ||
		len([]rune(d.Matched[0])) != maxMatchRunes {
		t.Errorf("Matched = %q, want the match collapsed and cut to %d runes", d.Matched, maxMatchRunes)
	}
}

func TestClassifyConcurrently(t *testing.T) {
	s := mustCompile(t, benchRules(), Options{Groups: benchGroups})
	inputs := benchInputs()
	want := make([]Decision, len(inputs))
	for i, in := range inputs {
		want[i] = s.Classify(in)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for n := range 200 {
				i := (g + n) % len(inputs)
				if got := s.Classify(inputs[i]); !equalDecision(got, want[i]) {
					errs <- got.Rule + " != " + want[i].Rule
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error("concurrent decision differs:", e)
	}
}
