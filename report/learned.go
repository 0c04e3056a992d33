package report

import (
	"fmt"
	"strings"

	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/triage"
)

// topOverridden is how many overridden rules the report lists.
const topOverridden = 5

// learnedTally counts what the team's actions say about its rules.
type learnedTally struct {
	byRule             map[string]*Count
	deflected, offered int
	estimates          int
}

func (l *learnedTally) add(r *triage.Request) {
	if r.EstimateWhy != "" {
		l.estimates++
	}
	if r.Deflection != "" {
		l.offered++
	}
	if r.Deflection == triage.DeflectSolved {
		l.deflected++
	}
	// The same overrides rules suggest learns from: a defer or a decline
	// overrides the rule's urgency as a change by hand does, and an
	// urgency set back from where a bound moved it overrides the bound.
	rule, ok := learn.Blamed(r)
	if !ok {
		return
	}
	if l.byRule == nil {
		l.byRule = map[string]*Count{}
	}
	bump(l.byRule, or(rule, "(no rule)"), 0)
}

func (l *learnedTally) rules() []Count {
	cs := sortedCounts(l.byRule)
	return cs[:min(len(cs), topOverridden)]
}

// overriddenRules is the report's "rules that were overridden most" part,
// with the command that turns the overrides into rule edits.
func overriddenRules(w *Weekly, cell func(string) string) (table, string) {
	t := table{head: []string{"rule", "overridden this week"}, right: []bool{false, true}}
	for _, c := range w.ThisWeek.OverriddenRules {
		t.add(cell(c.Name), fmt.Sprint(c.N))
	}
	return t, w.OverriddenHint()
}

// OverriddenHint is what the report says under the rules overridden most:
// the command that turns the overrides into rule edits, or that there were
// none. Every rendering of the report, Slack's too, says it so.
func (w *Weekly) OverriddenHint() string {
	if len(w.ThisWeek.OverriddenRules) == 0 {
		return "Nobody changed what a rule decided this week."
	}
	return fmt.Sprintf("`%s` proposes rule edits from these overrides.", w.suggestCommand())
}

// suggestCommand is the command that proposes rule edits from the
// team's overrides.
func (w *Weekly) suggestCommand() string {
	return "sprintguard rules suggest --team " + w.Team
}

// DeflectedLine says how many requests rule answers solved in p, of
// those offered one.
func DeflectedLine(p Period) string {
	if p.AnswersOffered == 0 {
		return "Answered by a rule's answer: none"
	}
	return fmt.Sprintf("Answered by a rule's answer: %d of %s offered one, with nobody on call involved",
		p.Deflected, plural.Count(p.AnswersOffered, "request"))
}

// LearnedLine says how many requests of p were charged an estimate
// learned from similar requests instead of their rule's.
func LearnedLine(p Period) string {
	if p.LearnedEstimates == 0 {
		return "Estimates learned from similar requests: none"
	}
	return fmt.Sprintf("Estimates learned from similar requests: %s charged the median time spent on similar ones instead of the rule's estimate",
		plural.Count(p.LearnedEstimates, "request"))
}

// writeLearned writes the overridden rules and deflections in plain text.
func writeLearned(b *strings.Builder, w *Weekly) {
	t, hint := overriddenRules(w, textCell)
	section(b, "Rules that were overridden most", t)
	b.WriteString("  " + hint + "\n")
	b.WriteString("\n" + DeflectedLine(w.ThisWeek) + "\n")
	b.WriteString(LearnedLine(w.ThisWeek) + "\n")
}

// mdLearned writes them in Markdown.
func mdLearned(b *strings.Builder, w *Weekly) {
	t, hint := overriddenRules(w, mdCell)
	mdSection(b, "Rules that were overridden most", t)
	b.WriteString("\n" + hint + "\n")
	b.WriteString("\n" + DeflectedLine(w.ThisWeek) + "\n")
	b.WriteString("\n" + LearnedLine(w.ThisWeek) + "\n")
}

// learnedSection is the HTML report's part on overridden rules and answers.
func learnedSection(w *Weekly) htmlSection {
	t, hint := overriddenRules(w, htmlCellText)
	tab := htmlFrom("overridden-rules", "Rules that were overridden most this week", t)
	tab.Empty = "None."
	return htmlSection{ID: "learned", Heading: "Rules that were overridden most",
		Notes: []string{strings.ReplaceAll(hint, "`", ""), DeflectedLine(w.ThisWeek), LearnedLine(w.ThisWeek)}, Tables: []htmlTable{tab}}
}
