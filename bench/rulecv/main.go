// Command rulecv estimates how well a team's hand-written rules generalise
// beyond the requests they were tuned on, by a leave-one-group-out
// approximation over a labelled file whose ids are "owner/repo#N".
//
// Hand-written rules cannot be retrained per fold, so rulecv asks instead
// which parts of the rules each group of requests paid for. A unit is one
// phrase of a rule's any or none list, or one top-level alternative of its
// regex. rulecv removes each unit alone and reclassifies the tuning
// requests: the requests that the removal turns from right to wrong (on
// interrupt-or-not or category) are the unit's support. A unit whose whole
// support lies in one group g would not have been written had g been held
// out, so group g is scored by the rules without all such units of g. The
// sum over groups is the cross-validated estimate; the units found are the
// phrases to suspect of fitting one tracker's phrasing.
//
// Units that only ever fire together with another unit have no support of
// their own and are kept, so the estimate is optimistic where the rules say
// the same thing twice.
//
// With -match, a unit's support is instead every request its phrase matches
// on its own, whether or not the unit decides it: a unit is held out with
// group g when g holds every request it matches. Two units that say the same
// thing, both seen only in g, then leave together, so -match is not
// optimistic where the rules repeat themselves; it is pessimistic for a rare
// word that the guide itself uses (combine it with -prior).
//
//	go run ./bench/rulecv -corpus ../../shared/corpus/requests.jsonl -splits train,dev [-prior ../../shared/corpus/README.md] [-group owner] [-match] [-folds 5] [-harm] [-lost] [-rules]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/learn"
)

func main() {
	cfgPath := flag.String("config", "examples/sprintguard.yaml", "the config whose rules are scored")
	team := flag.String("team", "platform", "the team whose rules are scored")
	corpus := flag.String("corpus", "../../shared/corpus/requests.jsonl", "labelled JSONL with ids owner/repo#N")
	splits := flag.String("splits", "train,dev", "comma-separated splits to tune and score on")
	group := flag.String("group", "repo", "repo (owner/repo) or owner: what one held-out group is")
	show := flag.Int("show", 40, "list up to this many single-group units")
	flag.StringVar(&priorPath, "prior", "", "a labelling guide (the corpus README): phrases it uses are known without any data and never count as one group's; only its '## Labelling guide' section up to its examples is read")
	flag.BoolVar(&variants, "variants", false, "treat a rule's phrases that differ only in auxiliaries and negations (\"not showing up\", \"aren't showing up\") as one unit, removed together")
	flag.BoolVar(&listRules, "rules", false, "list per rule how many requests it decided, how many rightly (interrupt-or-not and category), and from how many groups")
	flag.BoolVar(&listLost, "lost", false, "list the requests the held-out rules get wrong that the tuned rules get right")
	flag.IntVar(&folds, "folds", 0, "also score K-fold cross-validation over groups (K folds of whole groups, repeated -repeats times with seeded shuffles): a unit is held out with a fold when the fold holds all its support")
	flag.IntVar(&repeats, "repeats", 20, "how many random fold assignments -folds averages")
	flag.BoolVar(&listHarm, "harm", false, "list the units whose removal alone turns requests from wrong to right, with how many it turns right to wrong: the phrases to suspect of misfiring")
	flag.BoolVar(&byMatch, "match", false, "hold a unit out with group g when every request its phrase matches on its own lies in g, instead of when every request it rescues does: units that say the same thing twice no longer keep each other in, so the estimate is no longer optimistic there")
	flag.Parse()
	if err := run(*cfgPath, *team, *corpus, *splits, *group, *show); err != nil {
		fmt.Fprintln(os.Stderr, "rulecv:", err)
		os.Exit(1)
	}
}

// listLost and priorPath are the -lost and -prior flags.
var (
	listLost  bool
	listRules bool
	variants  bool
	byMatch   bool
	listHarm  bool
	folds     int
	repeats   int
	priorPath string
)

// readPrior returns the lowered words of the guide section of path,
// space-separated with a space at each end, or "" without -prior.
func readPrior(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := string(b)
	if i := strings.Index(s, "## Labelling guide"); i >= 0 {
		s = s[i:]
	}
	if i := strings.Index(s, "### Two examples"); i >= 0 {
		s = s[:i]
	}
	return " " + words(s) + " ", nil
}

// known reports whether phrase p, as words, occurs in the prior text.
func known(prior, p string) bool {
	if prior == "" {
		return false
	}
	w := words(p)
	return w != "" && strings.Contains(prior, " "+w+" ")
}

// words lowers s and keeps its words, one space apart.
func words(s string) string {
	ws := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r == '-')
	})
	return strings.Join(ws, " ")
}

// unit is one removable part of rule Rule: phrase Index of field Field
// ("any", "none") or top-level alternative Index of its regex.
type unit struct {
	Rule  int
	Field string
	Index int
	Text  string
}

func run(cfgPath, teamName, corpus, splits, groupBy string, show int) error {
	src, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	cfg, err := config.Parse(cfgPath, src, func(string) string { return "" })
	if err != nil {
		return err
	}
	st, err := app.Settings(cfg)
	if err != nil {
		return err
	}
	t := st.Team(teamName)
	if t == nil {
		return fmt.Errorf("no team %q", teamName)
	}
	data, err := os.ReadFile(corpus)
	if err != nil {
		return err
	}
	all, err := learn.ReadLabels(corpus, data, t.Rules.Categories())
	if err != nil {
		return err
	}
	want := strings.Split(splits, ",")
	at := time.Date(2026, 1, 6, 10, 30, 0, 0, t.Location)
	var ex []learn.Example
	for _, e := range all {
		if slices.Contains(want, e.Split) {
			e.Input.At, e.Input.BusinessHours = at, t.Hours.Contains(at)
			ex = append(ex, e)
		}
	}
	if len(ex) == 0 {
		return fmt.Errorf("no records of splits %s", splits)
	}
	groups := make([]string, len(ex))
	for i, e := range ex {
		groups[i] = groupOf(e.ID, groupBy)
	}
	rules := t.Rules.Rules()
	opt := classifier.Options{Groups: cfg.Groups}
	base, err := classify(rules, opt, ex, nil)
	if err != nil {
		return err
	}

	prior, err := readPrior(priorPath)
	if err != nil {
		return err
	}
	units := families(unitsOf(rules), variants)
	// support[u] lists the requests that removing family u alone turns wrong.
	support := make([][]int, len(units))
	for ui, u := range units {
		if byMatch {
			m, err := matches(rules, u, opt, ex)
			if err != nil {
				return fmt.Errorf("match %s: %w", u[0].describe(rules), err)
			}
			support[ui] = m
			continue
		}
		d, err := classify(without(rules, u), opt, ex, nil)
		if err != nil {
			return fmt.Errorf("without %s: %w", u[0].describe(rules), err)
		}
		var fixed []string
		for i := range ex {
			if lost(&ex[i], base[i], d[i]) {
				support[ui] = append(support[ui], i)
			}
			if lost(&ex[i], d[i], base[i]) {
				fixed = append(fixed, ex[i].ID)
			}
		}
		if listHarm && len(fixed) > 0 {
			fmt.Printf("harm %s: removing it fixes %d (%s), breaks %d\n", u[0].describe(rules), len(fixed), strings.Join(fixed, " "), len(support[ui]))
		}
	}

	// Units paid for by one group alone, by group.
	own := map[string][]unit{}
	type single struct {
		u     []unit
		group string
		n     int
	}
	var singles []single
	for ui, u := range units {
		s := support[ui]
		if len(s) == 0 || u[0].Field != "regex" && known(prior, u[0].Text) {
			continue
		}
		g := groups[s[0]]
		one := true
		for _, i := range s[1:] {
			if groups[i] != g {
				one = false
				break
			}
		}
		if one {
			own[g] = append(own[g], u...)
			singles = append(singles, single{u, g, len(s)})
		}
	}

	var b, cv tally
	for i := range ex {
		b.add(&ex[i], base[i])
	}
	if listRules {
		printRules(rules, ex, base, groups)
	}
	byGroup := map[string][]int{}
	for i, g := range groups {
		byGroup[g] = append(byGroup[g], i)
	}
	for g, items := range byGroup {
		rs := rules
		if len(own[g]) > 0 {
			rs = without(rules, own[g])
		}
		d, err := classify(rs, opt, ex, items)
		if err != nil {
			return fmt.Errorf("group %s: %w", g, err)
		}
		for _, i := range items {
			cv.add(&ex[i], d[i])
			if listLost && lost(&ex[i], base[i], d[i]) {
				fmt.Printf("lost %-40s %s %-12s %s/%s by %s, held out %s/%s by %s: %.100s\n", ex[i].ID, ex[i].Urgency, ex[i].Category,
					base[i].Urgency, base[i].Category, base[i].Rule, d[i].Urgency, d[i].Category, d[i].Rule,
					strings.ReplaceAll(ex[i].Input.Summary+" "+ex[i].Input.Details, "\n", " "))
			}
		}
	}

	fmt.Printf("rulecv: %d requests of splits %s in %d groups (by %s), %d rules, %d units (families)\n",
		len(ex), splits, len(byGroup), groupBy, len(rules), len(units))
	if priorPath != "" {
		fmt.Printf("phrases of the guide in %s count as known without data\n", priorPath)
	}
	fmt.Println()
	fmt.Printf("%-28s %s\n", "resubstitution (as tuned)", b)
	fmt.Printf("%-28s %s\n", "leave-one-group-out", cv)
	if folds > 1 {
		kf, err := kFold(rules, opt, ex, groups, units, support, prior, folds, repeats)
		if err != nil {
			return err
		}
		fmt.Printf("%-28s %s\n", fmt.Sprintf("%d-fold by group (x%d)", folds, repeats), kf)
	}
	fmt.Println()
	sort.Slice(singles, func(i, j int) bool {
		if singles[i].n != singles[j].n {
			return singles[i].n > singles[j].n
		}
		return singles[i].group < singles[j].group
	})
	fmt.Printf("%d units supported by one group only (%d shown):\n", len(singles), min(show, len(singles)))
	for k, s := range singles {
		if k == show {
			break
		}
		d := s.u[0].describe(rules)
		if len(s.u) > 1 {
			d += fmt.Sprintf(" and %d variants", len(s.u)-1)
		}
		fmt.Printf("  %-38s %d  %s\n", s.group, s.n, d)
	}
	return nil
}

// kFold scores the rules by K-fold cross-validation over whole groups,
// repeated with seeded shuffles: each fold is scored by the rules without
// the units whose support lies wholly inside the fold. It returns the
// agreement summed over all repeats.
func kFold(rules []classifier.Rule, opt classifier.Options, ex []learn.Example, groups []string, units [][]unit, support [][]int, prior string, k, repeats int) (tally, error) {
	var names []string
	seen := map[string]bool{}
	for _, g := range groups {
		if !seen[g] {
			seen[g] = true
			names = append(names, g)
		}
	}
	sort.Strings(names)
	var t tally
	for r := range repeats {
		rng := rand.New(rand.NewPCG(uint64(r), 17))
		fold := map[string]int{}
		for i, j := range rng.Perm(len(names)) {
			fold[names[j]] = i % k
		}
		for f := range k {
			var drop []unit
			for ui, u := range units {
				s := support[ui]
				if len(s) == 0 || u[0].Field != "regex" && known(prior, u[0].Text) {
					continue
				}
				inside := true
				for _, i := range s {
					if fold[groups[i]] != f {
						inside = false
						break
					}
				}
				if inside {
					drop = append(drop, u...)
				}
			}
			var items []int
			for i, g := range groups {
				if fold[g] == f {
					items = append(items, i)
				}
			}
			d, err := classify(without(rules, drop), opt, ex, items)
			if err != nil {
				return t, fmt.Errorf("fold %d: %w", f, err)
			}
			for _, i := range items {
				t.add(&ex[i], d[i])
			}
		}
	}
	return t, nil
}

// lost reports whether decision after is wrong where before was right, on
// interrupt-or-not or on category.
func lost(e *learn.Example, before, after classifier.Decision) bool {
	ib, ia := interruptRight(e, before), interruptRight(e, after)
	cb, ca := before.Category == e.Category, after.Category == e.Category
	return (ib && !ia) || (cb && !ca)
}

func interruptRight(e *learn.Example, d classifier.Decision) bool {
	return learn.Interrupts(d.Urgency) == learn.Interrupts(e.Urgency)
}

// tally counts agreement on the three labels.
type tally struct{ n, interrupt, category, urgency int }

func (t *tally) add(e *learn.Example, d classifier.Decision) {
	t.n++
	if interruptRight(e, d) {
		t.interrupt++
	}
	if d.Category == e.Category {
		t.category++
	}
	if d.Urgency == e.Urgency {
		t.urgency++
	}
}

func (t tally) String() string {
	p := func(k int) string { return fmt.Sprintf("%5.1f%% (%d/%d)", 100*float64(k)/float64(t.n), k, t.n) }
	return fmt.Sprintf("interrupt %s  category %s  urgency %s", p(t.interrupt), p(t.category), p(t.urgency))
}

// classify decides the requests at idx (all when idx is nil) with rules;
// the result is indexed like ex.
func classify(rules []classifier.Rule, opt classifier.Options, ex []learn.Example, idx []int) ([]classifier.Decision, error) {
	set, err := classifier.Compile(rules, opt)
	if err != nil {
		return nil, err
	}
	out := make([]classifier.Decision, len(ex))
	if idx == nil {
		for i := range ex {
			out[i] = set.Classify(ex[i].Input)
		}
		return out, nil
	}
	for _, i := range idx {
		out[i] = set.Classify(ex[i].Input)
	}
	return out, nil
}

// matches lists the requests that the phrases or regex alternatives of
// family u match on their own, each tried as the only condition of a rule
// that sees the same parts of the text as the unit's rule.
func matches(rules []classifier.Rule, u []unit, opt classifier.Options, ex []learn.Example) ([]int, error) {
	src := rules[u[0].Rule]
	prefix, _ := splitRegex(src.Regex)
	probe := classifier.Rule{Name: "probe", In: src.In, Urgency: classifier.P3, Category: "other"}
	for _, x := range u {
		if x.Field == "regex" {
			probe.Regex = joinAlt(probe.Regex, x.Text)
			continue
		}
		probe.Any = append(probe.Any, x.Text)
	}
	if probe.Regex != "" {
		probe.Regex = prefix + probe.Regex
	}
	set, err := classifier.Compile([]classifier.Rule{probe, {Name: "rest", Default: true, Urgency: classifier.P3}}, opt)
	if err != nil {
		return nil, err
	}
	var out []int
	for i := range ex {
		if set.Classify(ex[i].Input).Rule == "probe" {
			out = append(out, i)
		}
	}
	return out, nil
}

func joinAlt(re, alt string) string {
	if re == "" {
		return alt
	}
	return re + "|" + alt
}

func groupOf(id, by string) string {
	repo, _, _ := strings.Cut(id, "#")
	if by == "owner" {
		owner, _, _ := strings.Cut(repo, "/")
		return owner
	}
	return repo
}

// auxiliaries are the words that make grammatical variants of one phrase.
var auxiliaries = map[string]bool{
	"not": true, "isn't": true, "aren't": true, "hasn't": true, "haven't": true, "doesn't": true, "don't": true,
	"won't": true, "didn't": true, "can't": true, "cannot": true, "is": true, "are": true, "was": true, "were": true,
	"has": true, "have": true, "been": true, "be": true, "keep": true, "keeps": true, "still": true, "the": true,
	"a": true, "an": true, "it": true, "its": true, "it's": true, "s": true, "we": true, "i": true, "my": true, "our": true,
}

// families groups units: with variants, the phrases of one rule and field
// that are the same words once auxiliaries are dropped form one family;
// otherwise every unit is its own family.
func families(us []unit, variants bool) [][]unit {
	var out [][]unit
	at := map[string]int{}
	for _, u := range us {
		if !variants || u.Field == "regex" {
			out = append(out, []unit{u})
			continue
		}
		var key []string
		for _, w := range strings.Fields(words(u.Text)) {
			if !auxiliaries[w] {
				key = append(key, w)
			}
		}
		k := fmt.Sprintf("%d/%s/%s", u.Rule, u.Field, strings.Join(key, " "))
		if i, ok := at[k]; ok && len(key) > 0 {
			out[i] = append(out[i], u)
			continue
		}
		at[k] = len(out)
		out = append(out, []unit{u})
	}
	return out
}

// unitsOf lists every phrase and regex alternative of rules.
func unitsOf(rules []classifier.Rule) []unit {
	var us []unit
	for ri, r := range rules {
		for i, p := range r.Any {
			us = append(us, unit{ri, "any", i, p})
		}
		for i, p := range r.None {
			us = append(us, unit{ri, "none", i, p})
		}
		_, alts := splitRegex(r.Regex)
		for i, a := range alts {
			us = append(us, unit{ri, "regex", i, a})
		}
	}
	return us
}

func (u unit) describe(rules []classifier.Rule) string {
	return fmt.Sprintf("%s %s %q", rules[u.Rule].Name, u.Field, u.Text)
}

// without returns a copy of rules with units drop removed. A rule whose
// any list or regex loses every entry can no longer match and is dropped.
func without(rules []classifier.Rule, drop []unit) []classifier.Rule {
	gone := map[[2]int]map[string]bool{}
	for _, u := range drop {
		k := [2]int{u.Rule, 0}
		if gone[k] == nil {
			gone[k] = map[string]bool{}
		}
		gone[k][fmt.Sprintf("%s/%d", u.Field, u.Index)] = true
	}
	var out []classifier.Rule
	for ri, r := range rules {
		g := gone[[2]int{ri, 0}]
		if g == nil {
			out = append(out, r)
			continue
		}
		r.Any = keep(r.Any, "any", g)
		r.None = keep(r.None, "none", g)
		if len(rules[ri].Any) > 0 && len(r.Any) == 0 {
			continue
		}
		if r.Regex != "" {
			prefix, alts := splitRegex(r.Regex)
			alts = keep(alts, "regex", g)
			if len(alts) == 0 {
				continue
			}
			r.Regex = prefix + strings.Join(alts, "|")
		}
		out = append(out, r)
	}
	return out
}

func keep(list []string, field string, gone map[string]bool) []string {
	var out []string
	for i, s := range list {
		if !gone[fmt.Sprintf("%s/%d", field, i)] {
			out = append(out, s)
		}
	}
	return out
}

// splitRegex splits re at its top-level '|', after a leading flag group
// such as "(?i)", which it returns apart so that it applies to every
// alternative that is kept.
func splitRegex(re string) (prefix string, alts []string) {
	if re == "" {
		return "", nil
	}
	if strings.HasPrefix(re, "(?") {
		if end := strings.IndexByte(re, ')'); end > 0 && !strings.ContainsAny(re[2:end], ":") {
			prefix, re = re[:end+1], re[end+1:]
		}
	}
	depth, class, start := 0, false, 0
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			i++
		case class:
			if c == ']' {
				class = false
			}
		case c == '[':
			class = true
			if i+1 < len(re) && re[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			alts = append(alts, re[start:i])
			start = i + 1
		}
	}
	return prefix, append(alts, re[start:])
}

// printRules lists per rule the requests it decided, those it decided
// right on both interrupt-or-not and category, and the groups those came
// from: a rule right for one group only is as fragile as its phrases.
func printRules(rules []classifier.Rule, ex []learn.Example, d []classifier.Decision, groups []string) {
	type row struct {
		n, right int
		groups   map[string]bool
	}
	rows := map[string]*row{}
	for i := range ex {
		r := rows[d[i].Rule]
		if r == nil {
			r = &row{groups: map[string]bool{}}
			rows[d[i].Rule] = r
		}
		r.n++
		if interruptRight(&ex[i], d[i]) && d[i].Category == ex[i].Category {
			r.right++
			r.groups[groups[i]] = true
		}
	}
	fmt.Printf("%-28s %7s %5s %6s\n", "rule", "decided", "right", "groups")
	for _, rl := range rules {
		if r := rows[rl.Name]; r != nil {
			fmt.Printf("%-28s %7d %5d %6d\n", rl.Name, r.n, r.right, len(r.groups))
		}
	}
	fmt.Println()
}
