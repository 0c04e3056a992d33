package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/internal/typo"
	"github.com/sprintguard/sprintguard/triage"
)

// rulesTestFile is the format of `sprintguard rules test FILE`.
type rulesTestFile struct {
	// Team is the default team of the cases.
	Team string `yaml:"team"`
	// At is the default time of the cases, in the team's zone; a fixed
	// default keeps business-hours rules deterministic.
	At    string     `yaml:"at"`
	Cases []ruleCase `yaml:"cases"`
}

type ruleCase struct {
	Name         string `yaml:"name"`
	classifyLine `yaml:",inline"`
	Expect       struct {
		Urgency  string `yaml:"urgency"`
		Category string `yaml:"category"`
		Rule     string `yaml:"rule"`
		Team     string `yaml:"team"`
		// Modifier is the continue rule expected to raise or lower the
		// deciding rule's urgency.
		Modifier string `yaml:"modifier"`
		// Labels, when given, are exactly the labels expected, in any
		// order; [] expects none.
		Labels *[]string `yaml:"labels"`
	} `yaml:"expect"`
	line int
}

// defaultCaseTime is a Tuesday mid-morning, inside anyone's business hours.
const defaultCaseTime = "2026-01-06T10:30"

// rulesUsage are the usage lines of the rules subcommands, each with
// every flag it takes.
var rulesUsage = []struct{ name, line string }{
	{"rules test", "rules test FILE [--config FILE]"},
	{"rules eval", "rules eval LABELS|--history [--team T] [--split S] [--format text|json] [--min-accuracy X] [--config FILE]"},
	{"rules suggest", "rules suggest [--team T] [--export DIR|ZIP [--labels FILE]] [--tests FILE] [--max N] [--config FILE]"},
}

// rulesSynopsis returns the usage of the rules subcommand name for its
// -h: its own line, or, for `rules`, every subcommand's line.
func rulesSynopsis(name string) (string, bool) {
	if name == "rules" {
		lines := make([]string, len(rulesUsage))
		for i, u := range rulesUsage {
			lines[i] = u.line
		}
		return strings.Join(lines, "\n       sprintguard "), true
	}
	for _, u := range rulesUsage {
		if u.name == name {
			return u.line, true
		}
	}
	return "", false
}

func runRules(ctx context.Context, env Env, args []string) int {
	if len(args) > 0 && args[0] == "suggest" {
		return runRulesSuggest(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "eval" {
		return runRulesEval(ctx, env, args[1:])
	}
	// `rules test -h` is the test's own usage; `rules -h` lists them all.
	name := "rules"
	if len(args) > 0 && args[0] == "test" {
		name = "rules test"
	}
	fs, path := flags(env, name)
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if len(pos) != 2 || pos[0] != "test" {
		return usageError(env, "rules", "give rules test FILE, rules eval FILE|--history, or rules suggest")
	}
	file := pos[1]
	tf, err := readRulesTest(file)
	if err != nil {
		return fail(env, err)
	}
	_, st, err := loadOfflineSettings(env, *path)
	if err != nil {
		return configFailed(env, err)
	}
	if err := checkCaseRules(st, tf, file); err != nil {
		return fail(env, err)
	}
	failures := runCases(st, tf, file)
	if len(failures) == 0 {
		fmt.Fprintf(env.Stdout, "%s: %d passed, 0 failed\n", file, len(tf.Cases))
		return ExitOK
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHERE\tCASE\tEXPECTED\tGOT\tWHY")
	for _, f := range failures {
		fmt.Fprintln(tw, strings.Join(f, "\t"))
	}
	tw.Flush()
	failed := failedCases(failures)
	fmt.Fprintf(env.Stdout, "%s: %d passed, %d failed\n", file, len(tf.Cases)-failed, failed)
	return ExitFail
}

// runCases classifies every case of tf, read from file, with st and
// returns a row per unmet expectation: where, case, expected, got, why.
func runCases(st *triage.Settings, tf *rulesTestFile, file string) [][]string {
	var failures [][]string
	for i, c := range tf.Cases {
		name := c.Name
		if name == "" {
			name = fmt.Sprintf("case %d", i+1)
		}
		in := c.classifyLine
		if in.Team == "" {
			in.Team = tf.Team
		}
		if in.At == "" {
			in.At = tf.At
		}
		if in.At == "" {
			in.At = defaultCaseTime
		}
		res, err := classify(st, in, time.Time{})
		where := fmt.Sprintf("%s:%d", file, c.line)
		if err != nil {
			failures = append(failures, []string{where, name, "-", "-", "error: " + err.Error()})
			continue
		}
		got := map[string]string{"urgency": res.Decision.Urgency.String(), "category": res.Decision.Category,
			"rule": res.Decision.Rule, "team": res.Team, "modifier": res.Decision.Modifier}
		if res.Decision.Team != "" {
			got["team"] = res.Decision.Team
		}
		want := map[string]string{"urgency": strings.ToUpper(c.Expect.Urgency), "category": c.Expect.Category,
			"rule": c.Expect.Rule, "team": c.Expect.Team, "modifier": c.Expect.Modifier}
		for _, k := range []string{"urgency", "category", "rule", "team", "modifier"} {
			if want[k] != "" && want[k] != got[k] {
				failures = append(failures, []string{where, name, k + "=" + want[k], k + "=" + got[k], res.Explanation})
			}
		}
		if c.Expect.Labels != nil && !sameSet(*c.Expect.Labels, res.Decision.Labels) {
			failures = append(failures, []string{where, name, "labels=" + labelList(*c.Expect.Labels), "labels=" + labelList(res.Decision.Labels), res.Explanation})
		}
	}
	return failures
}

// checkCaseRules reports, at FILE:LINE, every case that expects a rule or
// modifier its team's rules do not have (caseRuleProblems).
func checkCaseRules(st *triage.Settings, tf *rulesTestFile, file string) error {
	if errs := caseRuleProblems(st, tf, file); len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// caseRuleProblems is one FILE:LINE message for every case that expects a
// rule or modifier its team's rules do not have, with the nearest one's
// name: a misspelt rule would otherwise only ever show as a mismatch.
func caseRuleProblems(st *triage.Settings, tf *rulesTestFile, file string) []string {
	var errs []string
	for _, c := range tf.Cases {
		var names []string
		for _, t := range st.Teams {
			if team := cmp.Or(c.Team, tf.Team); team == "" || t.Name == team {
				for _, r := range t.Rules.Rules() {
					names = append(names, r.Name)
				}
			}
		}
		for _, want := range []struct{ key, name string }{{"rule", c.Expect.Rule}, {"modifier", c.Expect.Modifier}} {
			if want.name == "" || slices.Contains(names, want.name) {
				continue
			}
			msg := fmt.Sprintf("%s:%d: expect %s: no rule %q", file, c.line, want.key, want.name)
			if near := typo.Closest(want.name, names); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			} else if len(names) > 0 {
				// Too far off for a typo, the nearest still says where to look.
				near := slices.MinFunc(names, func(a, b string) int {
					return cmp.Compare(typo.Distance(want.name, a), typo.Distance(want.name, b))
				})
				msg += fmt.Sprintf(" (the nearest is %q)", near)
			}
			errs = append(errs, msg)
		}
	}
	return errs
}

// failedCases counts the cases with a row in failures.
func failedCases(failures [][]string) int {
	return len(failedAt(failures))
}

// failedAt is the set of cases, by FILE:LINE, with a row in failures.
func failedAt(failures [][]string) map[string]bool {
	failed := map[string]bool{}
	for _, f := range failures {
		failed[f[0]] = true
	}
	return failed
}

func readRulesTest(file string) (*rulesTestFile, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read rules test: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := checkRulesTestKeys(file, &doc); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var tf rulesTestFile
	if err := dec.Decode(&tf); err != nil {
		return nil, fmt.Errorf("%s: %w (see examples/rules_test.yaml for the format)", file, err)
	}
	if len(tf.Cases) == 0 {
		return nil, fmt.Errorf("%s: no cases (add a `cases:` list)", file)
	}
	// Case lines come from the node tree, which the struct decode loses.
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "cases" {
				for j, n := range root.Content[i+1].Content {
					if j < len(tf.Cases) {
						tf.Cases[j].line = n.Line
					}
				}
			}
		}
	}
	return &tf, nil
}

// Keys of a rules test file, its cases and their expectations.
var (
	rulesTestKeys = []string{"team", "at", "cases"}
	ruleCaseKeys  = []string{"name", "team", "summary", "text", "details", "type", "impact", "channel", "user", "at", "needed_by", "expect"}
	expectKeys    = []string{"urgency", "category", "rule", "modifier", "team", "labels"}
)

// checkRulesTestKeys reports every unknown key of a rules test file as
// FILE:LINE, so that a misspelt expectation fails instead of being ignored.
func checkRulesTestKeys(file string, doc *yaml.Node) error {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil // the struct decode reports the wrong shape
	}
	var errs []string
	check := func(m *yaml.Node, what string, known []string) {
		if m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			if !slices.Contains(known, k.Value) {
				errs = append(errs, fmt.Sprintf("%s:%d: unknown key %q in %s; the keys are %s", file, k.Line, k.Value, what, strings.Join(known, ", ")))
			}
		}
	}
	root := doc.Content[0]
	check(root, "the file", rulesTestKeys)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "cases" {
			continue
		}
		for _, c := range root.Content[i+1].Content {
			check(c, "a case", ruleCaseKeys)
			for j := 0; c.Kind == yaml.MappingNode && j+1 < len(c.Content); j += 2 {
				if c.Content[j].Value == "expect" {
					check(c.Content[j+1], "expect", expectKeys)
				}
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

func labelList(l []string) string { return "[" + strings.Join(l, ",") + "]" }
