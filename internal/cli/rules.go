package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"
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
	} `yaml:"expect"`
	line int
}

// defaultCaseTime is a Tuesday mid-morning, inside anyone's business hours.
const defaultCaseTime = "2026-01-06T10:30"

func runRules(ctx context.Context, env Env, args []string) int {
	if len(args) > 0 && args[0] == "suggest" {
		return runRulesSuggest(ctx, env, args[1:])
	}
	fs, path := flags(env, "rules test")
	pos, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) != 2 || pos[0] != "test" {
		fmt.Fprintln(env.Stderr, "usage: sprintguard rules test FILE [--config FILE]")
		return ExitUsage
	}
	file := pos[1]
	tf, err := readRulesTest(file)
	if err != nil {
		return fail(env, err)
	}
	_, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
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
			"rule": res.Decision.Rule, "team": res.Team}
		if res.Decision.Team != "" {
			got["team"] = res.Decision.Team
		}
		want := map[string]string{"urgency": strings.ToUpper(c.Expect.Urgency), "category": c.Expect.Category,
			"rule": c.Expect.Rule, "team": c.Expect.Team}
		for _, k := range []string{"urgency", "category", "rule", "team"} {
			if want[k] != "" && want[k] != got[k] {
				failures = append(failures, []string{where, name, k + "=" + want[k], k + "=" + got[k], res.Explanation})
			}
		}
	}
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
	failed := map[string]bool{}
	for _, f := range failures {
		failed[f[0]] = true
	}
	fmt.Fprintf(env.Stdout, "%s: %d passed, %d failed\n", file, len(tf.Cases)-len(failed), len(failed))
	return ExitFail
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
