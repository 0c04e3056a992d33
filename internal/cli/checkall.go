package cli

import (
	"errors"
	"sort"
	"strings"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
)

// withDeeperErrors adds to the config's own errors those that building the
// settings finds in the rest of it (the classifier's, a team's calendar),
// so that check reports every problem in one run rather than one stage at
// a time. cfg is the partial config that came with errs. Only problems of
// one rule are added, and only for rules without an error of their own:
// the rest (a list without a default rule, a team's calendar) config
// checks itself, and a rule's second error is most often its first seen
// again, such as a bad urgency that the classifier then finds missing.
func withDeeperErrors(cfg *config.Config, errs error) error {
	var first config.Errors
	if cfg == nil || !errors.As(errs, &first) {
		return errs
	}
	deeper := settingsErrors(cfg)
	if len(deeper) == 0 {
		return errs
	}
	a := anchors(cfg)
	hit := map[anchor]bool{}
	for _, e := range first {
		hit[a.of(e)] = true
	}
	all := append(config.Errors(nil), first...)
	for _, e := range deeper {
		// app.Rules writes a rule's problems as "rules[i] (name): ...",
		// a list's as "rules: ...".
		if e.File != "" && e.Line > 0 && strings.HasPrefix(e.Msg, "rules[") && !hit[a.of(e)] {
			all = append(all, e)
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].File != all[j].File {
			return all[i].File < all[j].File
		}
		return all[i].Line < all[j].Line
	})
	return all
}

// settingsErrors builds the settings from a partial config and returns
// the problems found. A partial config may hold what a valid one never
// does; a panic on it is not a finding about the user's file, so it ends
// the search and check reports what it has.
func settingsErrors(cfg *config.Config) (out config.Errors) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	_, err := app.Settings(cfg)
	errors.As(err, &out)
	return out
}

// anchor is the rule or team a line belongs to: its file and first line.
type anchor struct {
	file string
	line int
}

// anchorSet holds, per file, the sorted first lines of every team and rule.
type anchorSet map[string][]int

func anchors(cfg *config.Config) anchorSet {
	a := anchorSet{}
	add := func(file string, line int) { a[file] = append(a[file], line) }
	for _, r := range cfg.Rules {
		add(r.File, r.Line)
	}
	for _, t := range cfg.Teams {
		add(t.File, t.Line)
		for _, r := range t.Rules {
			add(r.File, r.Line)
		}
	}
	for f := range a {
		sort.Ints(a[f])
	}
	return a
}

// of returns the anchor of e: the last team or rule that starts at or
// before its line, or the line itself when none does.
func (a anchorSet) of(e config.Error) anchor {
	lines := a[e.File]
	i := sort.SearchInts(lines, e.Line+1) - 1
	if i < 0 {
		return anchor{e.File, e.Line}
	}
	return anchor{e.File, lines[i]}
}
