package classifier

import (
	"errors"
	"math"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCompileErrors(t *testing.T) {
	def := Rule{Name: "default", Default: true, Urgency: P3}
	ok := func(r Rule) Rule { // a valid rule changed by the case
		if r.Name == "" {
			r.Name = "r"
		}
		return r
	}
	type want struct {
		index int
		field string
		msg   string // substring of the message
	}
	tests := []struct {
		name  string
		rules []Rule
		opt   Options
		want  []want
	}{
		{"no default", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1})}, Options{},
			[]want{{-1, "default", "add one without conditions"}}},
		{"two defaults", []Rule{def, {Name: "fallback", Default: true, Urgency: P4}}, Options{},
			[]want{{1, "default", "rules[0] is already the default"}}},
		{"default with conditions", []Rule{{Name: "default", Default: true, Urgency: P3, Any: []string{"x"}}}, Options{},
			[]want{{0, "default", "cannot have conditions"}}},
		{"default continues", []Rule{{Name: "default", Default: true, Continue: true, Labels: []string{"x"}}}, Options{},
			[]want{{0, "continue", "cannot continue"}}},
		{"default without urgency", []Rule{{Name: "default", Default: true}}, Options{},
			[]want{{0, "urgency", "is missing"}}},
		{"no urgency", []Rule{ok(Rule{Any: []string{"x"}}), def}, Options{},
			[]want{{0, "urgency", "write urgency: P1"}}},
		{"bad urgency", []Rule{ok(Rule{Any: []string{"x"}, Urgency: 7}), def}, Options{},
			[]want{{0, "urgency", "7 is not an urgency"}}},
		{"continue with urgency", []Rule{ok(Rule{Any: []string{"x"}, Continue: true, Urgency: P1, Labels: []string{"l"}}), def}, Options{},
			[]want{{0, "urgency", "never decides urgency"}}},
		{"continue that sets nothing", []Rule{ok(Rule{Any: []string{"x"}, Continue: true}), def}, Options{},
			[]want{{0, "continue", "sets nothing"}}},
		{"floor without continue", []Rule{ok(Rule{Any: []string{"x"}, UrgencyAtLeast: P2}), def}, Options{},
			[]want{{0, "urgency", "is missing"}, {0, "urgency_at_least", "add continue: true, or write urgency: P2"}}},
		{"cap on a deciding rule", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P2, UrgencyAtMost: P3}), def}, Options{},
			[]want{{0, "urgency_at_most", "this rule decides it (urgency: P2)"}}},
		{"bound on the default", []Rule{{Name: "default", Default: true, Urgency: P3, UrgencyAtLeast: P2}}, Options{},
			[]want{{0, "urgency_at_least", "the default rule decides urgency"}}},
		{"floor and cap on one rule", []Rule{ok(Rule{Any: []string{"x"}, Continue: true, UrgencyAtLeast: P3, UrgencyAtMost: P3}), def}, Options{},
			[]want{{0, "urgency_at_most", "split it into two continue rules"}}},
		{"floor every request meets", []Rule{ok(Rule{Any: []string{"x"}, Continue: true, UrgencyAtLeast: P4}), def}, Options{},
			[]want{{0, "urgency_at_least", "every request is at least P4"}}},
		{"cap every request meets", []Rule{ok(Rule{Any: []string{"x"}, Continue: true, UrgencyAtMost: P1}), def}, Options{},
			[]want{{0, "urgency_at_most", "every request is at most P1"}}},
		{"bad bound", []Rule{ok(Rule{Any: []string{"x"}, Continue: true, UrgencyAtMost: 9}), def}, Options{},
			[]want{{0, "urgency_at_most", "9 is not an urgency"}}},
		{"no conditions", []Rule{ok(Rule{Urgency: P2}), def}, Options{},
			[]want{{0, "", "matches every request"}}},
		{"empty name", []Rule{{Any: []string{"x"}, Urgency: P1}, def}, Options{},
			[]want{{0, "name", "give every rule a name"}}},
		{"duplicate name", []Rule{ok(Rule{Name: "deploy", Any: []string{"x"}, Urgency: P1}), ok(Rule{Name: "Deploy", Any: []string{"y"}, Urgency: P2}), def}, Options{},
			[]want{{1, "name", "already the name of rules[0]"}}},
		{"bad regex", []Rule{ok(Rule{Regex: `(deploy`, Urgency: P1}), def}, Options{},
			[]want{{0, "regex", "missing closing )"}}},
		{"lookahead", []Rule{ok(Rule{Regex: `deploy(?!ment)`, Urgency: P1}), def}, Options{},
			[]want{{0, "regex", "no lookarounds"}}},
		{"regex matching empty text", []Rule{ok(Rule{Regex: `x*`, Urgency: P1}), def}, Options{},
			[]want{{0, "regex", "matches empty text"}}},
		{"unknown when", []Rule{ok(Rule{When: "weekends", Urgency: P1}), def}, Options{},
			[]want{{0, "when", "write business_hours or after_hours"}}},
		{"negative needed_within", []Rule{ok(Rule{NeededWithin: -time.Hour, Urgency: P1}), def}, Options{},
			[]want{{0, "needed_within", "negative"}}},
		{"keyword punctuation", []Rule{ok(Rule{Any: []string{"ok", "#ops"}, Urgency: P1}), def}, Options{},
			[]want{{0, "any[1]", `write "ops"`}}},
		{"empty keyword", []Rule{ok(Rule{All: []string{""}, Urgency: P1}), def}, Options{},
			[]want{{0, "all[0]", "no letters or digits"}}},
		{"none keyword", []Rule{ok(Rule{Any: []string{"a"}, None: []string{"!"}, Urgency: P1}), def}, Options{},
			[]want{{0, "none[0]", "no letters or digits"}}},
		{"all and none", []Rule{ok(Rule{All: []string{"Deploy"}, None: []string{"deploy"}, Urgency: P1}), def}, Options{},
			[]want{{0, "none", "can never match"}}},
		{"empty type", []Rule{ok(Rule{Type: []string{" "}, Urgency: P1}), def}, Options{},
			[]want{{0, "type[0]", "is empty"}}},
		{"empty impact", []Rule{ok(Rule{Impact: []string{"customers", ""}, Urgency: P1}), def}, Options{},
			[]want{{0, "impact[1]", "is empty"}}},
		{"bad channel", []Rule{ok(Rule{Channel: []string{"ops"}, Urgency: P1}), def}, Options{},
			[]want{{0, "channel[0]", "like #ops"}}},
		{"channel lower-case id", []Rule{ok(Rule{Channel: []string{"c0123"}, Urgency: P1}), def}, Options{},
			[]want{{0, "channel[0]", "C0123ABCD"}}},
		{"bare hash", []Rule{ok(Rule{Channel: []string{"#"}, Urgency: P1}), def}, Options{},
			[]want{{0, "channel[0]", "neither"}}},
		{"bad requester", []Rule{ok(Rule{RequesterIn: []string{"alice"}, Urgency: P1}), def}, Options{},
			[]want{{0, "requester_in[0]", "@platform-oncall"}}},
		{"unknown group", []Rule{ok(Rule{RequesterIn: []string{"U0A", "@nope"}, Urgency: P1}), def}, Options{Groups: testGroups},
			[]want{{0, "requester_in[1]", "@nope is not in the workspace"}}},
		{"bad estimate", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1, Estimate: -1}), def}, Options{},
			[]want{{0, "estimate", "not a usable estimate"}}},
		{"NaN estimate", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1, Estimate: math.NaN()}), def}, Options{},
			[]want{{0, "estimate", "not a usable estimate"}}},
		{"negative sla", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1, SLA: SLA{Ack: -1, Resolve: -1}}), def}, Options{},
			[]want{{0, "sla.ack", "negative"}, {0, "sla.resolve", "negative"}}},
		{"ack after resolve", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1, SLA: SLA{Ack: 4 * time.Hour, Resolve: time.Hour}}), def}, Options{},
			[]want{{0, "sla.ack", "4h is longer than sla.resolve 1h"}}},
		{"label with space", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1, Labels: []string{"on call"}}), def}, Options{},
			[]want{{0, "labels[0]", `write "on-call"`}}},
		{"empty label", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1, Labels: []string{"a", ""}}), def}, Options{},
			[]want{{0, "labels[1]", "is empty"}}},
		{"team with spaces", []Rule{ok(Rule{Any: []string{"x"}, Urgency: P1, Team: " data "}), def}, Options{},
			[]want{{0, "team", `write "data"`}}},
		{"all problems at once", []Rule{
			{Any: []string{"x"}},
			ok(Rule{Name: "b", Regex: "(", When: "never", Urgency: P2}),
		}, Options{}, []want{
			{0, "name", "is empty"}, {0, "urgency", "is missing"},
			{1, "regex", "cannot compile"}, {1, "when", "not known"},
			{-1, "default", "no default rule"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Compile(tt.rules, tt.opt)
			if err == nil {
				t.Fatalf("Compile succeeded (%d rules), want errors %v", len(s.Rules()), tt.want)
			}
			if !errors.Is(err, ErrInvalidRule) {
				t.Errorf("error does not wrap ErrInvalidRule: %v", err)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want Errors", err)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(errs), len(tt.want), err)
			}
			for i, w := range tt.want {
				e := errs[i]
				if e.Index != w.index || e.Field != w.field || !strings.Contains(e.Msg, w.msg) {
					t.Errorf("problem %d = {%d %q %q}, want {%d %q ...%q...}", i, e.Index, e.Field, e.Msg, w.index, w.field, w.msg)
				}
				if e.Index >= 0 && e.Name != tt.rules[e.Index].Name {
					t.Errorf("problem %d names rule %q, want %q", i, e.Name, tt.rules[e.Index].Name)
				}
			}
		})
	}
}

func TestRuleErrorText(t *testing.T) {
	cause := &syntax.Error{Code: syntax.ErrMissingParen, Expr: "("}
	tests := []struct {
		err  *RuleError
		want string
	}{
		{&RuleError{Index: 3, Name: "deploy", Field: "regex", Msg: "bad", Err: cause}, "rules[3] (deploy): regex: bad"},
		{&RuleError{Index: 0, Field: "name", Msg: "is empty"}, "rules[0]: name: is empty"},
		{&RuleError{Index: 2, Name: "x", Msg: "has no conditions"}, "rules[2] (x): has no conditions"},
		{&RuleError{Index: -1, Field: "default", Msg: "missing"}, "rules: default: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if tt.err.Err != nil && !errors.Is(tt.err, cause) {
				t.Error("cause is not reachable with errors.Is")
			}
		})
	}
	both := Errors{tests[0].err, tests[3].err}
	if got := both.Error(); got != "rules[3] (deploy): regex: bad\nrules: default: missing" {
		t.Errorf("Errors.Error() = %q", got)
	}
}

func TestCompileAccepts(t *testing.T) {
	rules := []Rule{
		{Name: "tag-all", Continue: true, Labels: []string{"interrupt", "interrupt"}},
		{Name: "floor-only", Any: []string{"blocking"}, Continue: true, UrgencyAtLeast: P2},
		{Name: "ids", Channel: []string{"C0123ABCD", "G0PRIV", "#ops-alerts"}, RequesterIn: []string{"U0123", "W0ENT", "@sre"}, Urgency: P2},
		{Name: "when", When: " Business_Hours ", Urgency: P3},
		{Name: "default", Default: true, Urgency: P3},
	}
	s := mustCompile(t, rules, Options{Groups: testGroups})
	got := s.Rules()
	if len(got) != len(rules) || got[2].Name != "ids" || !slices.Equal(got[2].Channel, rules[2].Channel) {
		t.Errorf("Rules() = %+v, want the rules as given", got)
	}
	if d := s.Classify(Input{}); !slices.Equal(d.Labels, []string{"interrupt"}) || !slices.Equal(d.Also, []string{"tag-all"}) {
		t.Errorf("unconditional continue rule: %+v, want one interrupt label", d)
	}
}

func TestGroupHandles(t *testing.T) {
	got := GroupHandles([]Rule{
		{RequesterIn: []string{"@sre", "U0A", " @leadership"}},
		{RequesterIn: []string{"@sre", "@"}},
		{},
	})
	if want := []string{"leadership", "sre"}; !slices.Equal(got, want) {
		t.Errorf("GroupHandles = %q, want %q", got, want)
	}
}
