package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/learn"
)

// runRulesEval is `sprintguard rules eval FILE`: the rules against a
// labelled file, with exit 1 below --min-accuracy.
func runRulesEval(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "rules eval")
	team := fs.String("team", "", "evaluate this team's rules (default: the first team)")
	split := fs.String("split", "", "only the records of this `split` (train, dev, test); default all")
	format := fs.String("format", "text", "text or json")
	minAcc := fs.String("min-accuracy", "", "exit 1 when interrupt-or-not accuracy is below this, e.g. 0.92 or 92%")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if len(pos) != 1 {
		return usageError(env, "rules eval", "give one FILE of labelled requests: sprintguard rules eval FILE")
	}
	if *format != "text" && *format != "json" {
		return usageError(env, "rules eval", fmt.Sprintf("--format %q: write text or json", *format))
	}
	threshold, err := parseFraction(*minAcc)
	if err != nil {
		return usageError(env, "rules eval", fmt.Sprintf("--min-accuracy: %v", err))
	}
	_, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	teams, code := pickTeams(env, "rules eval", st, *team)
	if code != ExitOK {
		return code
	}
	if len(teams) == 0 {
		return fail(env, fmt.Errorf("rules eval: the config has no team"))
	}
	t := teams[0]
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return fail(env, fmt.Errorf("read labels: %w", err))
	}
	all, err := learn.ReadLabels(pos[0], data)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return ExitFail
	}
	// Labelled files carry no time: every request is asked when a rules
	// test case is, inside business hours, so that results do not depend
	// on the clock.
	at, _ := parseTime(defaultCaseTime, t.Location, time.Time{})
	var examples []learn.Example
	for _, ex := range all {
		if *split != "" && ex.Split != *split {
			continue
		}
		ex.Input.At, ex.Input.BusinessHours = at, t.Hours.Contains(at)
		examples = append(examples, ex)
	}
	if len(examples) == 0 {
		return fail(env, fmt.Errorf("%s: no records with split %q", pos[0], *split))
	}
	if err := learn.CheckCategories(t.Rules, examples); err != nil {
		fmt.Fprintln(env.Stderr, err)
		return ExitFail
	}
	res := learn.Evaluate(t.Rules, examples)
	if *format == "json" {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintln(env.Stdout, string(b))
	} else {
		what := "all records"
		if *split != "" {
			what = "split " + *split
		}
		fmt.Fprintf(env.Stdout, "rules eval: %s of %s (%s) with team %s's rules\n\n", plural.Count(res.N, "request"), pos[0], what, t.Name)
		fmt.Fprint(env.Stdout, learn.FormatText(res))
	}
	if *minAcc != "" && res.Interrupt.Accuracy < threshold {
		fmt.Fprintf(env.Stderr, "interrupt-or-not accuracy %.1f%% is below --min-accuracy %.1f%%\n", 100*res.Interrupt.Accuracy, 100*threshold)
		return ExitFail
	}
	return ExitOK
}

// parseFraction reads "0.92", "92%" or "92" as 0.92; "" is 0.
func parseFraction(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v > 100 {
		return 0, fmt.Errorf("%q is not an accuracy; write 0.92 or 92%%", s)
	}
	if strings.HasSuffix(s, "%") || v > 1 {
		v /= 100
	}
	return v, nil
}
