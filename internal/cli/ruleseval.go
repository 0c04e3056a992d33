package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/triage"
)

// runRulesEval is `sprintguard rules eval FILE|--history`: the rules
// against a labelled file, or against the team's labelled history in the
// database, with exit 1 below --min-accuracy. The history is read from a
// read-only open of the store, so it works while serve runs.
func runRulesEval(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "rules eval")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(env.Stdout, labelsHelp)
	}
	team := fs.String("team", "", "evaluate this team's rules (default: the first team)")
	split := fs.String("split", "", "only the records of this `split` (train, dev, test); default all")
	format := fs.String("format", "text", "text or json")
	minAcc := fs.String("min-accuracy", "", "exit 1 when interrupt-or-not accuracy is below this: a share from 0 to 1 (0.92) or a percent (92%); a bare number above 1 is an error")
	history := fs.Bool("history", false, "score the rules on the team's labelled history in the database instead of a FILE (a deferred interrupt counts as P3, a declined request as P4; a database the bot has not written yet is an empty history: see rules suggest -h)")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	switch {
	case *history && len(pos) != 0:
		return usageError(env, "rules eval", "give a FILE or --history, not both")
	case !*history && len(pos) != 1:
		return usageError(env, "rules eval", "give one FILE of labelled requests, or --history: sprintguard rules eval FILE|--history")
	case *history && *split != "":
		return usageError(env, "rules eval", "--split is for a FILE; the history has no splits")
	}
	if *format != "text" && *format != "json" {
		return usageError(env, "rules eval", fmt.Sprintf("--format %q: write text or json", *format))
	}
	threshold, err := parseFraction(*minAcc)
	if err != nil {
		return usageError(env, "rules eval", fmt.Sprintf("--min-accuracy: %v", err))
	}
	cfg, st, err := loadOfflineSettings(env, *path)
	if err != nil {
		return configFailed(env, err)
	}
	teams, code := pickTeams(env, "rules eval", st, *team)
	if code != ExitOK {
		return code
	}
	if len(teams) == 0 {
		return fail(env, fmt.Errorf("rules eval: the config has no team"))
	}
	t := teams[0]
	rep := evalReport{Team: t.Name}
	if *split != "" {
		rep.Split = split
	}
	var examples []learn.Example
	source, what := "", "all records"
	if *history {
		rep.History = cfg.Storage.Path
		if cfg.Storage.Driver == config.DriverPostgres {
			rep.History = "postgres"
		}
		examples, err = storeHistory(ctx, env, cfg, st, t.Name, nil)
		if err != nil {
			return fail(env, err)
		}
		if len(examples) == 0 {
			if *format == "json" {
				// Still JSON, for the CI step that reads it.
				rep.Note = noOverrides
				return writeEvalJSON(env, rep)
			}
			fmt.Fprintln(env.Stdout, noOverrides)
			return ExitOK
		}
		source, what = "the history in "+cfg.Storage.Path, "labelled by the on-call"
		if cfg.Storage.Driver == config.DriverPostgres {
			source = "the history in PostgreSQL"
		}
	} else {
		rep.File = pos[0]
		var usage bool
		if examples, usage, err = fileExamples(t, pos[0], *split); err != nil {
			// A CI step reading stdout still gets JSON, saying what is
			// wrong; the exit code fails the step either way.
			if *format == "json" {
				rep.Error = err.Error()
				writeEvalJSON(env, rep)
			}
			if usage {
				return usageError(env, "rules eval", err.Error())
			}
			fmt.Fprintln(env.Stderr, err)
			return ExitFail
		}
		source = pos[0]
		if *split != "" {
			what = "split " + *split
		}
	}
	res := learn.Evaluate(t.Rules, examples)
	if *format == "json" {
		rep.Result = &res
		if code := writeEvalJSON(env, rep); code != ExitOK {
			return code
		}
	} else {
		fmt.Fprintf(env.Stdout, "rules eval: %s of %s (%s) with team %s's rules\n\n", plural.Count(res.N, "request"), source, what, t.Name)
		fmt.Fprint(env.Stdout, learn.FormatText(res))
	}
	if *minAcc != "" && res.Interrupt.N == 0 {
		// 0% of nothing would read as rules always wrong.
		fmt.Fprintf(env.Stderr, "--min-accuracy: no request is labelled with an urgency or interrupt, so there is no interrupt-or-not accuracy to check\n")
		return ExitFail
	}
	if *minAcc != "" && res.Interrupt.Accuracy < threshold {
		fmt.Fprintf(env.Stderr, "interrupt-or-not accuracy %.1f%% is below --min-accuracy %.1f%%\n", 100*res.Interrupt.Accuracy, 100*threshold)
		return ExitFail
	}
	return ExitOK
}

// evalReport is `rules eval --format json`: what was scored, with whose
// rules, and the figures. File or History says where the labels came
// from; Split is null for every record. With no labelled request, Result
// is nil and n is 0, with a Note, or an Error when the file is bad (the
// command then exits non-zero).
type evalReport struct {
	Team    string        `json:"team"`
	File    string        `json:"file,omitempty"`
	History string        `json:"history,omitempty"`
	Split   *string       `json:"split"`
	Note    string        `json:"note,omitempty"`
	Error   string        `json:"error,omitempty"`
	Result  *learn.Result `json:"-"`
}

// writeEvalJSON prints rep with its result's fields beside its own, or
// with n 0 and no disagreements when it holds no result.
func writeEvalJSON(env Env, rep evalReport) int {
	type head evalReport
	var v any = struct {
		head
		N     int                  `json:"n"`
		Worst []learn.Disagreement `json:"worst"`
	}{head: head(rep), Worst: []learn.Disagreement{}}
	if rep.Result != nil {
		v = struct {
			head
			*learn.Result
		}{head(rep), rep.Result}
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fail(env, fmt.Errorf("write eval json: %w", err))
	}
	fmt.Fprintln(env.Stdout, string(b))
	return ExitOK
}

// fileExamples reads a labelled file's records of split ("" for all) for
// team t's rules. usage says the error is the --split flag's, not the
// file's.
func fileExamples(t *triage.Team, path, split string) (examples []learn.Example, usage bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("read labels: %w", err)
	}
	all, err := learn.ReadLabels(path, data, t.Rules.Categories())
	if err != nil {
		return nil, false, err
	}
	// Labelled files carry no time: every request is asked when a rules
	// test case is, inside business hours, so that results do not depend
	// on the clock.
	at, _ := parseTime(defaultCaseTime, t.Location, time.Time{})
	examples = all[:0]
	for _, ex := range all {
		if split != "" && ex.Split != split {
			continue
		}
		ex.Input.At, ex.Input.BusinessHours = at, t.Hours.Contains(at)
		examples = append(examples, ex)
	}
	if len(examples) == 0 {
		return nil, true, fmt.Errorf("--split %q: %s", split, splitsOf(path, all))
	}
	return examples, false, nil
}

// splitsOf names the splits the records of a labels file have, for an
// error about a --split that none has.
func splitsOf(path string, all []learn.Example) string {
	var names []string
	for _, ex := range all {
		if ex.Split != "" && !slices.Contains(names, ex.Split) {
			names = append(names, ex.Split)
		}
	}
	if len(names) == 0 {
		return path + " gives no record a split; leave --split out to score them all"
	}
	slices.Sort(names)
	return fmt.Sprintf("no record of %s has it; its splits are %s (or leave --split out for all)", path, strings.Join(names, ", "))
}

// parseFraction reads "0.92" or "92%" as 0.92; "" is 0. A bare number
// above 1 is an error, not a percent: "1.5" may mean 1.5% or a typo of
// 0.15, and read as either it could pass a CI gate it should fail.
func parseFraction(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
	switch {
	case err != nil || math.IsNaN(v):
		return 0, fmt.Errorf("%q is not an accuracy; write 0.92 or 92%%", s)
	case pct && (v < 0 || v > 100):
		return 0, fmt.Errorf("%q is not an accuracy; a percent is from 0%% to 100%%, e.g. 92%%", s)
	case pct:
		return v / 100, nil
	case v < 0:
		return 0, fmt.Errorf("%q is not an accuracy; write a share from 0 to 1, e.g. 0.92, or a percent, e.g. 92%%", s)
	case v > 1:
		return 0, fmt.Errorf("%q is above 1: write %s or %s%%", s, strconv.FormatFloat(v/100, 'f', -1, 64), strconv.FormatFloat(v, 'f', -1, 64))
	}
	return v, nil
}
