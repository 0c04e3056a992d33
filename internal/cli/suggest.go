package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/replay"
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

// noOverrides is what `rules suggest` says when there is nothing to learn.
const noOverrides = "no overrides yet"

// suggestHelp says, after the flags, what `rules suggest` learns from.
const suggestHelp = `
Every on-call action on a request is a label, and rules suggest learns from all of them:
  urgency or category changed  the request should have been that: requests that share a
                               phrase give a rule that phrase, or a new rule; a rule mostly
                               wrong on what it decides gets what the team said instead
  deferred, while P1 or P2     it could wait, so the label is P3 (unless a person set the
                               urgency): a rule whose interrupts mostly wait misfires on the
                               interrupt line and is proposed P3, with its precision there
  approved by the lead         confirms the rule's urgency: counted as the rule being right
  declined                     it should not have been sprint work, so the label is P4: a rule
                               whose requests were mostly declined is proposed P4 (or give it
                               an answer: that deflects them)
  urgency set back from where  the bound is to blame, not the rule that decided: a bound
  a bound (urgency_at_least,   whose moves the team mostly set back is proposed removed,
  urgency_at_most) moved it    with its precision on the requests it moved
  resolved with time spent     a rule whose estimate is 2x or more off the median time spent
                               on its requests is proposed that median as its estimate
A phrase is a word or two adjacent words that 3 or more requests the rules got wrong share, and
that the team labelled the same way on 75% or more of the requests a rule saying it would match,
every form counted as the rules count it ("work" also matches "works", "working" and "worked"),
so a rule misfires below 25%. Copies of a request (the same words and label, posted again) count
once. A phrase is never a function word ("one", "about", "getting"), and starts and ends with
none; a single word said in more than a fifth of a history of 50 requests or more is how the team
talks, not what one kind of request says, and is left out too. A phrase joins the rule with its
urgency and category that already decides the most requests saying it; when none decides any,
it makes a new rule (learned-CATEGORY-PHRASE) rather than join a rule about something else.
An edit needs 3 requests that support it, whatever its kind: requests it turns right (urgency
and category for a phrase, a new rule or a retarget; urgency for an edit of the urgency only:
deferred, declined, bound), or, for an estimate, resolved requests the new one is nearer to.
Every edit of what the rules decide is checked against the team's rule tests (--tests, or
rules_test.yaml beside the config file; --tests none, or an empty file, checks nothing): an edit
that makes a passing case fail is not proposed, and a "# dropped:" line says which and how many
cases it broke, so the diff keeps rules test as green as it was. A case failing before any edit
is not the edit's doing: a line says how many there are, and they drop nothing. A case that
expects a rule the config does not have (a rule renamed or removed) is a warning on stderr at
its FILE:LINE, not an error: the other cases still check every edit, and a team mid-way through
a rename still gets its suggestions (rules test reports the case as an error).
An edit of a rule other teams use too (their own rules reuse it by its YAML anchor, or they
use the shared rules) says so, with the score on their history before and after it: the diff
edits the rule where it is written, so applying it changes their rules too. One that gets any
of urgency, interrupt-or-not or category wrong on more of their requests is not proposed: a
"# dropped:" line gives their figures before and after. A new rule goes into the team's own
list, before the item it was scored before there, a shared rule's alias included; where that
alias leaves no line for it (a list written on one line), a "# dropped:" line says so.
Each comes with its support counts and the rules eval score on the history before and after it (urgency, interrupt-or-not, category, and how
far the estimates were from the time spent). The edits are printed as a unified diff of the
rules file, for review and git apply; nothing is written. Its paths are from the current
directory when the rules file is below it, else from the config file's directory: a line
before the diff says which, and git apply runs there. With --export, the labels file
(channel, ts, urgency, category, time_spent, action: defer, approve or decline, which may
stand in for urgency; a category alone labels the category only) is the history instead of the store. time_spent is a number in the
team's unit, or hours and minutes ("2h", "90m", "1h30m") for a team counting hours. A message
labelled twice is an error naming the first line.
With nothing to learn from it prints "no overrides yet" and exits 0. That includes a fresh
install: a database the bot has not written yet (no file at storage.path in a folder that is
there, an empty file, or PostgreSQL without sprintguard's tables) is an empty history, and a
note on stderr names it, so a CI job set up before the bot first runs passes. A storage.path
whose folder is not there is a mistake, not a fresh install: an error naming the path.
`

// runRulesSuggest is `sprintguard rules suggest`: rule edits mined from the
// team's labelled history (or an export and its labels file), printed as a
// unified diff of the rules file. It never writes the file.
func runRulesSuggest(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "rules suggest")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(env.Stdout, suggestHelp)
		fmt.Fprint(env.Stdout, labelsHelp)
	}
	team := fs.String("team", "", "only this `TEAM`'s history and rules (default: every team)")
	export := fs.String("export", "", "learn from this Slack export (a `DIR` or .zip) and its labels file instead of the store")
	labels := fs.String("labels", "", "the export's labels `FILE` (default: labels.jsonl in the export, or EXPORT.labels.jsonl beside it)")
	max := fs.Int("max", 10, "at most `N` edits per rules file of what the rules decide, and N of estimates")
	testsFile := fs.String("tests", "", "the team's rule tests `FILE`: an edit that makes a passing case fail is not proposed (default: rules_test.yaml beside the config file, when there is one; none: no check)")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if len(pos) != 0 || *labels != "" && *export == "" {
		return usageError(env, "rules suggest", "takes no arguments, and --labels only with --export DIR|ZIP")
	}
	if *max < 1 {
		return usageError(env, "rules suggest", fmt.Sprintf("--max %d: give 1 or more edits", *max))
	}
	cfg, st, err := loadOfflineSettings(env, *path)
	if err != nil {
		return configFailed(env, err)
	}
	if _, code := pickTeams(env, "rules suggest", st, *team); code != ExitOK {
		return code
	}
	tests, err := suggestTests(*testsFile, cfg.Path)
	if err != nil {
		return fail(env, err)
	}
	if tests != nil {
		if ps := caseRuleProblems(st, tests.tf, tests.file); len(ps) > 0 {
			// Once: a rule renamed or removed can leave dozens of cases
			// naming it, and rules test lists them all.
			more := ""
			if n := len(ps) - 1; n > 0 {
				more = fmt.Sprintf(", and %s naming a rule the config does not have", plural.Count(n, "more case"))
			}
			fmt.Fprintf(env.Stderr, "warning: %s%s: those cases fail whatever the edit, so they check nothing; the other cases still do\n", ps[0], more)
		}
	}
	// Every team's history, even for one team: an edit of a rule another
	// team shares is scored on that team's history too.
	var history []learn.Example
	decided := decidedCounts{}
	if *export != "" {
		history, err = exportHistory(ctx, env, st, *export, *labels, "", decided)
	} else {
		history, err = storeHistory(ctx, env, cfg, st, "", decided)
	}
	if err != nil {
		return fail(env, err)
	}
	if !anyLearnable(history) {
		fmt.Fprintln(env.Stdout, noOverrides)
		return ExitOK
	}
	for _, g := range ruleGroups(cfg, *team) {
		if err := suggestFor(env.Stdout, cfg, g, st, history, *max, tests, decided); err != nil {
			return fail(env, err)
		}
	}
	return ExitOK
}

// ruleGroup is one rule list and the teams that use it.
type ruleGroup struct {
	file  string
	rules []config.Rule
	teams map[string]bool
}

// ruleGroups groups the teams by the rule list they use, so that teams
// sharing the shared rules learn together.
func ruleGroups(cfg *config.Config, only string) []*ruleGroup {
	var out []*ruleGroup
	byStart := map[string]*ruleGroup{}
	for _, t := range cfg.Teams {
		if only != "" && t.Name != only || len(t.Rules) == 0 {
			continue
		}
		key := fmt.Sprintf("%s:%d", t.Rules[0].File, t.Rules[0].Line)
		g := byStart[key]
		if g == nil {
			g = &ruleGroup{file: t.Rules[0].File, rules: t.Rules, teams: map[string]bool{}}
			byStart[key] = g
			out = append(out, g)
		}
		g.teams[t.Name] = true
	}
	return out
}

// noTests is the --tests value that turns the rule tests' check off.
const noTests = "none"

// suggestTests reads the rule tests that vet the edits: file, or
// rules_test.yaml beside the config file when file is "" and it is there.
// It returns nil when there are none: file is noTests, or holds no cases
// (nothing but blanks or comments, or `cases: []`), so there is nothing
// to keep passing.
func suggestTests(file, config string) (*ruleTests, error) {
	if file == noTests {
		return nil, nil
	}
	if file == "" {
		file = filepath.Join(filepath.Dir(config), "rules_test.yaml")
		if _, err := os.Stat(file); err != nil {
			return nil, nil
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read rules test: %w", err)
	}
	if noCases(data) {
		return nil, nil
	}
	tf, err := readRulesTest(file)
	if err != nil {
		return nil, err
	}
	return &ruleTests{file: file, tf: tf}, nil
}

// noCases reports whether data, a rule tests file, is a YAML document with
// no cases: empty, only comments, or an empty `cases:` list (or one whose
// items are all commented out). rules test
// calls such a file an error, since it tests nothing; here it is the
// empty file that -h says checks nothing. A file that does not parse has
// cases as far as this goes, and reading it reports why.
func noCases(data []byte) bool {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return false
	}
	if len(doc.Content) == 0 {
		return true
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if v := root.Content[i+1]; root.Content[i].Value == "cases" {
			// "cases:" with every item commented out is null.
			return v.Kind == yaml.SequenceNode && len(v.Content) == 0 || v.Kind == yaml.ScalarNode && v.Tag == "!!null"
		}
	}
	return false
}

// ruleTests are the team's rule tests, which every suggested edit must
// keep passing.
type ruleTests struct {
	file string
	tf   *rulesTestFile
}

// dropped is an edit the rule tests refused, with how many cases it broke.
type dropped struct {
	edit   learn.Edit
	broken int
}

// failing returns the cases, by FILE:LINE, that fail with the rules of st.
func (rt *ruleTests) failing(st *triage.Settings) map[string]bool {
	return failedAt(runCases(st, rt.tf, rt.file))
}

// vet returns the function that keeps an edit of g's rules only when it
// makes no case of the rule tests fail that passes now (before, by
// FILE:LINE, fail already: not the edit's doing), recording those it
// drops. The edit is made in every team's rules that hold the rule where
// it is written, as the patch makes it; a new rule goes into g's only.
func (rt *ruleTests) vet(cfg *config.Config, g *ruleGroup, st *triage.Settings, before map[string]bool, drops *[]dropped) func(learn.Edit) bool {
	if rt == nil {
		return nil
	}
	opt := classifier.Options{Groups: groupsOrEmpty(st.Groups)}
	return func(e learn.Edit) bool {
		edited := *st
		edited.Teams = slices.Clone(st.Teams)
		at := slices.IndexFunc(g.rules, func(r config.Rule) bool { return r.Name == e.Rule })
		for i, t := range edited.Teams {
			ct := slices.IndexFunc(cfg.Teams, func(c config.Team) bool { return c.Name == t.Name })
			uses := g.teams[t.Name]
			if !uses && e.Kind != learn.AddRule && at >= 0 && ct >= 0 {
				def := g.rules[at]
				uses = reuses(cfg.Teams[ct], def)
			}
			rules := t.Rules.Rules()
			if !uses || e.Kind != learn.AddRule && !slices.ContainsFunc(rules, func(r classifier.Rule) bool { return r.Name == e.Rule }) {
				continue
			}
			set, err := classifier.Compile(learn.Apply(rules, []learn.Edit{e}), opt)
			if err != nil {
				return false
			}
			c := *t
			c.Rules = set
			edited.Teams[i] = &c
		}
		broken := 0
		for where := range rt.failing(&edited) {
			if !before[where] {
				broken++
			}
		}
		if broken > 0 {
			*drops = append(*drops, dropped{e, broken})
			return false
		}
		return true
	}
}

// decidedCounts counts, by team and rule, the requests each rule decided
// in the history, labelled or not.
type decidedCounts map[string]map[string]int

func (d decidedCounts) add(team, rule string) {
	if d[team] == nil {
		d[team] = map[string]int{}
	}
	d[team][rule]++
}

func suggestFor(w io.Writer, cfg *config.Config, g *ruleGroup, st *triage.Settings, history []learn.Example, max int, tests *ruleTests, decided decidedCounts) error {
	var ex []learn.Example
	var overridden, timed int
	actions := map[string]int{}
	for _, e := range history {
		if g.teams[e.Team] {
			ex = append(ex, e)
			if e.Overridden {
				overridden++
			}
			if e.HasActual {
				timed++
			}
			actions[e.Action]++
		}
	}
	teams := make([]string, 0, len(g.teams))
	for _, t := range st.Teams {
		if g.teams[t.Name] {
			teams = append(teams, t.Name)
		}
	}
	fmt.Fprintf(w, "# rules in %s, used by %s: %s, %d overridden; %d deferred, %d declined, %d approved, %d resolved with the time spent\n",
		g.file, strings.Join(teams, ", "), plural.Count(len(ex), "labelled request"), overridden,
		actions[triage.ActDeferReq], actions[triage.ActDecline], actions[triage.ActApprove], timed)
	if overridden == 0 && timed == 0 {
		fmt.Fprintf(w, "# %s\n", noOverrides)
		return nil
	}
	team := st.Team(teams[0])
	byRule := map[string]int{}
	for t := range g.teams {
		for r, n := range decided[t] {
			byRule[r] += n
		}
	}
	var drops []dropped
	var failing map[string]bool
	if tests != nil {
		failing = tests.failing(st)
	}
	vet := tests.vet(cfg, g, st, failing, &drops)
	src, name, dir, err := rulesSource(g.file, cfg.Path)
	if err != nil {
		return err
	}
	lines, aliases := map[string]int{}, map[string]int{}
	for _, r := range g.rules {
		if r.File == g.file {
			lines[r.Name] = r.Line
			if r.Alias > 0 {
				aliases[r.Name] = r.Alias
			}
		}
	}
	// An edit kept is scored on the sharing teams' histories once: the
	// scores that kept it are the ones printed under it.
	scored := map[string][]sharedScore{}
	shared := func(e learn.Edit) []sharedScore {
		k := fmt.Sprintf("%v\x00%s\x00%q\x00%v\x00%s\x00%g\x00%s\x00%t\x00%t", e.Kind, e.Rule, e.Phrases, e.Urgency, e.Category, e.Estimate, e.Ahead, e.Raises, e.RemoveRule)
		sc, ok := scored[k]
		if !ok {
			sc = sharedScores(cfg, g, st, history, e)
			scored[k] = sc
		}
		return sc
	}
	var worse []worsened
	var unplaced []unplacedRule
	keep := func(e learn.Edit) bool {
		if vet != nil && !vet(e) {
			return false
		}
		if err := placeable(src, lines, aliases, e); err != nil {
			unplaced = append(unplaced, unplacedRule{e, err})
			return false
		}
		for _, sc := range shared(e) {
			if sc.err == nil && sc.worse() {
				worse = append(worse, worsened{e, sc})
				return false
			}
		}
		return true
	}
	s, err := learn.Suggest(team.Rules.Rules(), classifier.Options{Groups: groupsOrEmpty(st.Groups)}, ex,
		learn.SuggestOptions{Max: max, DefaultEstimate: team.DefaultEstimate, Keep: keep, Decided: byRule})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# now:        %s%s\n", learn.Headline(s.Before), estimateOff(s.Now))
	if len(failing) > 0 {
		verb := "fail"
		if len(failing) == 1 {
			verb = "fails"
		}
		fmt.Fprintf(w, "# %s of %s %s before any edit: an edit is dropped only for a case it breaks\n", plural.Count(len(failing), "case"), tests.file, verb)
	}
	for _, d := range drops {
		fmt.Fprintf(w, "# dropped: %s: it breaks %s of %s that passed\n", d.edit.Summary(), plural.Count(d.broken, "case"), tests.file)
	}
	for _, d := range unplaced {
		fmt.Fprintf(w, "# dropped: %s: %v\n", d.edit.Summary(), d.err)
	}
	for _, d := range worse {
		fmt.Fprintf(w, "# dropped: %s: rule `%s` is shared with team %s, and on their history it does worse: %s -> %s\n",
			d.edit.Summary(), d.edit.Rule, d.score.team, d.score.before, d.score.after)
	}
	if len(s.Edits) == 0 {
		fmt.Fprintln(w, "# no edit has enough support (3 requests) to suggest")
		return nil
	}
	for i, e := range s.Edits {
		fmt.Fprintf(w, "# %d. %s\n#    %s -> %s\n", i+1, e.Describe(), e.Before, e.After)
		if err := sharedWith(w, e, shared(e)); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "# with all %d: %s%s\n", len(s.Edits), learn.Headline(s.After), estimateOff(s.Edited))
	out, err := learn.Patch(src, lines, aliases, s.Edits)
	if err != nil {
		return fmt.Errorf("%s: %w", g.file, err)
	}
	if g.file == embeddedName {
		fmt.Fprintf(w, "# no --config: these are the rules of the embedded example, %s in the repository;\n# to keep your own, copy it to sprintguard.yaml, apply the diff there with `patch sprintguard.yaml`, and pass --config sprintguard.yaml\n", exampleFile)
	}
	fmt.Fprintf(w, "# the paths are from %s: git apply there\n", dir)
	fmt.Fprint(w, learn.Diff(name, src, out))
	return nil
}

// unplacedRule is a new rule dropped because the patch cannot put it
// where it was scored, with why.
type unplacedRule struct {
	edit learn.Edit
	err  error
}

// placeable returns why the patch cannot make e, a new rule, or nil. The
// rule is scored in this list, so when the list reuses the rule it goes
// before by its YAML alias, it must go before the alias, in this list;
// before the anchor it would land in the list that writes the rule out,
// which other teams use, and not change this one. A list written on one
// line leaves no line to put it on.
func placeable(src []byte, lines, aliases map[string]int, e learn.Edit) error {
	if e.Kind != learn.AddRule {
		return nil
	}
	_, err := learn.Patch(src, lines, aliases, []learn.Edit{e})
	return err
}

// exampleFile is where the embedded example config lives in the
// sprintguard repository.
const exampleFile = "examples/sprintguard.yaml"

// rulesSource reads the rules file file of the config at config, and
// says what a diff of it names it and where that path is from. Without a
// config the rules are the embedded example's, which has no file here:
// the diff is of the example as the repository holds it.
func rulesSource(file, config string) (src []byte, name, dir string, err error) {
	if file == embeddedName {
		return examples.Config, exampleFile, "a checkout of sprintguard", nil
	}
	if src, err = os.ReadFile(file); err != nil {
		return nil, "", "", fmt.Errorf("read rules file: %w", err)
	}
	name, dir = diffPath(file, config)
	return src, name, dir, nil
}

// reuses reports whether team t's own rules hold def, a rule written in
// another list, by its YAML anchor: the same file and line.
func reuses(t config.Team, def config.Rule) bool {
	return slices.ContainsFunc(t.Rules, func(r config.Rule) bool { return r.File == def.File && r.Line == def.Line })
}

// sharedScore is how an edit scores on the history of a team outside the
// group whose rules it edits, which uses the edited rule too.
type sharedScore struct {
	team          string
	none          bool // the team has no labelled history to score it on
	before, after learn.Agreement
	err           error
}

// worse reports whether the edit gets any of urgency, interrupt-or-not and
// category wrong on more of the team's requests than before: another team
// did not ask for the edit, so it must cost them nothing.
func (s sharedScore) worse() bool {
	return s.after.Urgency < s.before.Urgency || s.after.Interrupt < s.before.Interrupt || s.after.Category < s.before.Category
}

// worsened is an edit dropped because it does worse on a team sharing the
// rule, with that team's score.
type worsened struct {
	edit  learn.Edit
	score sharedScore
}

// sharedScores scores edit e on the history of each team outside g that
// uses the rule it edits. A team's own rules can reuse a shared rule by
// its YAML anchor, and the patch edits the anchor, so the edit changes
// their rules too. The edit stays on the shared rule rather than becoming
// a team-local copy: a team that reuses a rule by its anchor chose to say
// it one way for both lists, and a copy would quietly end that. So an
// edit that does worse on their history is not proposed (it is listed as
// dropped, with the figures), and one that does not says whom it changes.
func sharedScores(cfg *config.Config, g *ruleGroup, st *triage.Settings, history []learn.Example, e learn.Edit) []sharedScore {
	if e.Kind == learn.AddRule {
		// A new rule goes into g's list only: before the item it precedes
		// there, a rule's alias included (placeable drops one it cannot
		// put there), and no team outside g uses that list.
		return nil
	}
	at := slices.IndexFunc(g.rules, func(r config.Rule) bool { return r.Name == e.Rule })
	if at < 0 {
		return nil
	}
	def := g.rules[at]
	var out []sharedScore
	for _, t := range cfg.Teams {
		if g.teams[t.Name] || !reuses(t, def) {
			continue
		}
		var ex []learn.Example
		for _, h := range history {
			if h.Team == t.Name {
				ex = append(ex, h)
			}
		}
		sc := sharedScore{team: t.Name, none: len(ex) == 0}
		if !sc.none {
			team := st.Team(t.Name)
			sc.before, sc.after, sc.err = learn.ScoreEdit(team.Rules, classifier.Options{Groups: groupsOrEmpty(st.Groups)}, ex, team.DefaultEstimate, e)
		}
		out = append(out, sc)
	}
	return out
}

// sharedWith says, under edit e, which teams outside its group use the
// rule it edits and how the edit scores on each one's history: scores,
// as sharedScores gives them.
func sharedWith(w io.Writer, e learn.Edit, scores []sharedScore) error {
	for _, sc := range scores {
		if sc.err != nil {
			return fmt.Errorf("team %s: %w", sc.team, sc.err)
		}
		fmt.Fprintf(w, "#    rule `%s` is shared with team %s; this edit changes their rules too", e.Rule, sc.team)
		if sc.none {
			fmt.Fprintln(w, " (they have no labelled history to score it on)")
			continue
		}
		fmt.Fprintf(w, "; on their history: %s -> %s\n", sc.before, sc.after)
	}
	return nil
}

func groupsOrEmpty(g map[string][]string) map[string][]string {
	if g == nil {
		return map[string][]string{}
	}
	return g
}

// diffPath names file in the diff's headers and says where the diff
// applies: from the working directory when file is below it, as git diff
// names files; else from the directory of config, the config file, which
// holds its rules files. An absolute path, which git apply takes only
// from /, is the last resort for a rules file outside both.
func diffPath(file, config string) (name, dir string) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file, "/"
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel), "the current directory"
		}
	}
	if cdir, err := filepath.Abs(filepath.Dir(config)); err == nil {
		if rel, err := filepath.Rel(cdir, abs); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel), cdir
		}
	}
	return abs, "/"
}

// anyLearnable reports whether any example says something the rules did
// not: an override, or the time spent.
func anyLearnable(ex []learn.Example) bool {
	for _, e := range ex {
		if e.Overridden || e.HasActual {
			return true
		}
	}
	return false
}

// estimateOff is how far the estimates were from the time spent, for the
// end of a learn.Headline, or "" when no request was resolved with it.
func estimateOff(a learn.Agreement) string {
	if a.Timed == 0 {
		return ""
	}
	return fmt.Sprintf("; estimate off by %.1f on average over %d resolved with the time spent", a.MeanOff(), a.Timed)
}

// storeHistory reads the labelled requests from the database, whichever
// driver holds it. A database the bot has not written yet (a bolt file
// that is not there, a PostgreSQL database no sprintguard has migrated) is
// a fresh install's, an empty history, and a note on stderr says where it
// was looked for (see unwritten).
//
// A non-nil decided gets, for team's requests (every team's when team is
// ""), how many requests each rule decided, labelled or not.
func storeHistory(ctx context.Context, env Env, cfg *config.Config, st *triage.Settings, team string, decided decidedCounts) ([]learn.Example, error) {
	if cfg.Storage.Driver != config.DriverPostgres {
		fresh, err := unwritten(cfg)
		if err != nil {
			return nil, err
		}
		if fresh {
			fmt.Fprintf(env.Stderr, "note: the database %s is not written yet (the bot makes it when it first runs), so the history is empty\n", cfg.Storage.Path)
			return nil, nil
		}
	}
	db, done, err := openReader(ctx, cfg)
	if errors.Is(err, errNoTablesYet) {
		fmt.Fprintf(env.Stderr, "note: %v, so the history is empty\n", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer done()
	var ex []learn.Example
	err = db.View(func(tx triage.Tx) error {
		var err error
		if ex, err = learn.History(tx, st, team); err != nil || decided == nil {
			return err
		}
		err = tx.Requests(team, time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), func(r *triage.Request) error {
			decided.add(r.Team, r.Decision.Rule)
			return nil
		})
		if err != nil {
			return fmt.Errorf("count decided requests: %w", err)
		}
		return nil
	})
	return ex, err
}

// openLabels opens the labels file of the export opened as exp from
// export: labels, when given; else labels.jsonl in the export (read from
// inside a zip), or EXPORT.labels.jsonl (EXPORT without .zip) beside it.
// name says where it was found; a nil reader means there is none.
func openLabels(export, labels string, exp *slackexport.Export) (name string, r io.ReadCloser, err error) {
	if labels != "" {
		f, err := os.Open(labels)
		if err != nil {
			return "", nil, fmt.Errorf("read labels: %w", err)
		}
		return labels, f, nil
	}
	if f, err := exp.OpenFile("labels.jsonl"); err == nil {
		if fi, err := f.Stat(); err == nil && !fi.IsDir() {
			return filepath.Join(export, exp.Path("labels.jsonl")), f, nil
		}
		f.Close()
	}
	beside := strings.TrimSuffix(strings.TrimSuffix(export, "/"), ".zip") + ".labels.jsonl"
	if fi, err := os.Stat(beside); err == nil && !fi.IsDir() {
		f, err := os.Open(beside)
		if err != nil {
			return "", nil, fmt.Errorf("read labels: %w", err)
		}
		return beside, f, nil
	}
	return "", nil, nil
}

// exportHistory replays an export and labels its requests from the labels
// file. A non-nil decided gets how many requests each rule decided in the
// replay, labelled or not.
func exportHistory(ctx context.Context, env Env, st *triage.Settings, export, labels, team string, decided decidedCounts) ([]learn.Example, error) {
	exp, err := slackexport.Open(export)
	if err != nil {
		return nil, err
	}
	defer exp.Close()
	labels, r, err := openLabels(export, labels, exp)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("no labels file for %s: put labels.jsonl in it (or %s.labels.jsonl beside it), or pass --labels FILE", export, strings.TrimSuffix(export, ".zip"))
	}
	defer r.Close()
	opt := replay.Options{Settings: st}
	ls, err := replayLabels(&opt, labels, r)
	if err != nil {
		return nil, err
	}
	res, err := replay.Run(ctx, exp, opt)
	if err != nil {
		return nil, err
	}
	ex, _ := labelReplay(env, exp, res, ls, labels, team)
	for _, t := range res.Teams {
		for _, d := range t.Decisions {
			if decided != nil && (team == "" || t.Team.Name == team) {
				decided.add(t.Team.Name, d.Rule)
			}
		}
	}
	return ex, nil
}

// replayLabels reads the labels file of a replay of opt.Settings' teams,
// and sets in opt what the replay must keep for them: the requests made
// from the messages it names, by channel id or name, whole (opt.Keep),
// and why each of those messages that made none was skipped (opt.Named).
func replayLabels(opt *replay.Options, labels string, r io.Reader) ([]learn.FileLabel, error) {
	st := opt.Settings
	var cats []string
	for _, t := range st.Teams {
		cats = append(cats, t.Rules.Categories()...)
	}
	// Teams share categories: an error lists each once.
	slices.Sort(cats)
	cats = slices.Compact(cats)
	ls, err := learn.ReadMessageLabelsFrom(labels, r, cats)
	if err != nil {
		return nil, err
	}
	// A duration is hours; with no team counting hours it could only be
	// dropped, so it is the file's mistake. With teams of both units, the
	// teams counting points do not read it (see learn.Join).
	if !slices.ContainsFunc(st.Teams, func(t *triage.Team) bool { return t.Budget.Unit == "hours" }) {
		for _, l := range ls {
			if l.Hours {
				return nil, fmt.Errorf("%s: time_spent is a duration, but the teams count points, not hours: write the points, e.g. 3", l.Where)
			}
		}
	}
	named := make(map[[2]string]bool, len(ls))
	for _, l := range ls {
		named[[2]string{strings.TrimPrefix(l.Channel, "#"), l.TS}] = true
	}
	opt.Named = func(channel, channelName, ts string) bool {
		return ts != "" && (named[[2]string{channel, ts}] || channelName != "" && named[[2]string{channelName, ts}])
	}
	opt.Keep = func(r *triage.Request) bool { return opt.Named(r.Channel, r.ChannelName, r.TS) }
	return ls, nil
}

// labelReplay joins a labels file with the requests a replay of exp made,
// per team. Labels whose messages made no request are not errors (the
// replay skips bots, chatter and opted-out messages) but are listed on
// stderr with FILE:LINE and the reason (see reportMisses).
func labelReplay(env Env, exp *slackexport.Export, res *replay.Result, ls []learn.FileLabel, labels, team string) ([]learn.Example, map[string][]learn.Example) {
	var all []learn.Example
	byTeam := map[string][]learn.Example{}
	matched := map[string]bool{}
	for _, t := range res.Teams {
		if team != "" && t.Team.Name != team {
			continue
		}
		ex, _ := learn.Join(ls, t.Labelled, t.Team)
		for _, e := range ex {
			matched[e.ID] = true
		}
		byTeam[t.Team.Name] = ex
		all = append(all, ex...)
	}
	var unmatched []learn.FileLabel
	for _, l := range ls {
		if !matched[l.Where] {
			unmatched = append(unmatched, l)
		}
	}
	reportMisses(env, exp, res, labels, len(ls), unmatched, team == "")
	return all, byTeam
}

// scoreReplay scores each team's rules against the labels file.
func scoreReplay(env Env, exp *slackexport.Export, res *replay.Result, ls []learn.FileLabel, labels string) {
	_, byTeam := labelReplay(env, exp, res, ls, labels, "")
	for _, t := range res.Teams {
		if ex := byTeam[t.Team.Name]; len(ex) > 0 {
			res.Labels = append(res.Labels, replay.LabelScore{Team: t.Team.Name, File: labels, Score: learn.Evaluate(t.Team.Rules, ex)})
		}
	}
}
