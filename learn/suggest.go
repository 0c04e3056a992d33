package learn

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sprintguard/sprintguard/classifier"
)

// EditKind says what a suggested edit changes.
type EditKind string

// The edits Suggest proposes.
const (
	// AddPhrase adds phrases to a rule's `any:`.
	AddPhrase EditKind = "phrase"
	// AddRule adds a rule before the default rule.
	AddRule EditKind = "rule"
	// Retarget changes a misfiring rule's urgency and category to what the
	// team said of the requests it decided.
	Retarget EditKind = "retarget"
	// Waits lowers the urgency of a rule whose interrupts the team mostly
	// let wait: deferred, declined, or lowered by hand.
	Waits EditKind = "waits"
	// Declines makes P4 a rule whose requests the team mostly declined.
	Declines EditKind = "declines"
	// Reestimate changes a rule's estimate to the median time spent on the
	// requests it decided.
	Reestimate EditKind = "estimate"
	// Unbound takes the urgency bound off a continue rule whose moves the
	// team mostly undid, or removes the rule when the bound was all it set.
	Unbound EditKind = "bound"
)

// Edit is one suggested rule edit with the history that supports it.
type Edit struct {
	Kind EditKind
	// Rule is the rule edited, or the new rule's name.
	Rule    string
	Phrases []string
	// Urgency and Category are the new rule's, or the retargeted rule's
	// new ones.
	Urgency  classifier.Urgency
	Category string
	// Estimate is the new rule's: the median time spent on the history
	// items it matches, or 0 when none was given; for Reestimate, the
	// rule's new estimate, and OldEstimate the one it replaces (the team's
	// default estimate when the rule sets none).
	Estimate, OldEstimate float64
	// Timed counts, for Reestimate, the rule's requests resolved with the
	// time spent.
	Timed int
	// Deferred, Declined, Lowered and Approved count what people did with
	// the requests the rule decided: for Waits, with its interrupts;
	// Lowered are those whose urgency a person lowered below P2.
	Deferred, Declined, Lowered, Approved int
	// Raises, for Unbound, tells a floor (urgency_at_least, at Urgency)
	// from a cap (urgency_at_most); Undone counts the requests the bound
	// moved that the team set back, and RemoveRule says the rule sets
	// nothing but the bound, so the edit removes it.
	Raises, RemoveRule bool
	Undone             int
	// Support counts the history items the edit turns right, Against the
	// items it would touch whose label says otherwise. For Reestimate,
	// Support counts the timed requests the new estimate is nearer to, and
	// Against those the old one was nearer to.
	Support, Against int
	// Fired and Correct are, for Retarget and Declines, how often the rule
	// decided on the history and how often it was right: its precision.
	// For Unbound they count the requests the bound moved and those the
	// team kept where it put them.
	// For Waits they count its interrupts and those the team kept as
	// interrupts: its precision on the interrupt line.
	Fired, Correct int
	// Decided counts, for Retarget, the requests the rule decided in the
	// history, labelled or not: Fired are the labelled ones.
	Decided int
	// Ahead names, for AddRule, the rule the new rule goes before, being
	// more specific; "" puts it before the default rule.
	Ahead string
	// Before and After score the rules on the history without and with
	// this edit alone.
	Before, After Agreement
	// touched are the history items the edit can change the decision of;
	// every other item is decided as before.
	touched []int
}

// Precision is Correct over Fired, in percent.
func (e Edit) Precision() float64 { return percent(e.Correct, e.Fired) }

// Describe says what the edit does and why, in one line.
func (e Edit) Describe() string {
	quoted := e.quoted()
	switch e.Kind {
	case AddPhrase:
		return fmt.Sprintf("add %s to rule `%s`: %d overridden requests say it, %d labelled otherwise do too",
			strings.Join(quoted, ", "), e.Rule, e.Support, e.Against)
	case AddRule:
		where := ""
		if e.Ahead != "" {
			where = fmt.Sprintf(", before rule `%s`, which decides them otherwise", e.Ahead)
		}
		return fmt.Sprintf("new rule `%s` (%s %s) on %s%s: %d requests no rule gets right, %d labelled otherwise",
			e.Rule, e.Urgency, e.Category, strings.Join(quoted, ", "), where, e.Support, e.Against)
	case Waits:
		return fmt.Sprintf("rule `%s` calls interrupts the team let wait: of its %d interrupts, %d were deferred, %d declined and %d lowered by hand; %d stayed interrupts (%d approved): precision %.0f%% on the interrupt line; make it %s",
			e.Rule, e.Fired, e.Deferred, e.Declined, e.Lowered, e.Correct, e.Approved, e.Precision(), e.Urgency)
	case Declines:
		return fmt.Sprintf("rule `%s` tickets what the team declines: %d of the %d requests it decided were declined (precision %.0f%%); make it P4 to keep them out of the sprint, or give it an `answer:` that deflects them",
			e.Rule, e.Declined, e.Fired, e.Precision())
	case Unbound:
		return describeUnbound(e)
	case Reestimate:
		from := fmt.Sprintf("estimates %g", e.OldEstimate)
		if e.OldEstimate == 0 {
			from = "sets no estimate"
		}
		return fmt.Sprintf("rule `%s` %s but its %d requests resolved with the time spent took a median of %g; estimate %g is nearer for %d of them, farther for %d",
			e.Rule, from, e.Timed, e.Estimate, e.Estimate, e.Support, e.Against)
	}
	out := fmt.Sprintf("rule `%s` misfires: right on %d of %d labelled requests (precision %.0f%%, on %d labelled of %d decided); the team said %s %s for %d of them",
		e.Rule, e.Correct, e.Fired, e.Precision(), e.Fired, max(e.Decided, e.Fired), e.Urgency, e.Category, e.Support)
	if e.Deferred+e.Declined+e.Approved > 0 {
		out += fmt.Sprintf(" (of all it decided, %d deferred, %d declined, %d approved)", e.Deferred, e.Declined, e.Approved)
	}
	return out
}

// quoted are the edit's phrases, each in double quotes.
func (e Edit) quoted() []string {
	out := make([]string, len(e.Phrases))
	for i, p := range e.Phrases {
		out[i] = fmt.Sprintf("%q", p)
	}
	return out
}

// Summary says what the edit changes, without the figures, in a few words.
func (e Edit) Summary() string {
	quoted := e.quoted()
	switch e.Kind {
	case AddPhrase:
		return fmt.Sprintf("add %s to rule `%s`", strings.Join(quoted, ", "), e.Rule)
	case AddRule:
		return fmt.Sprintf("new rule `%s` (%s %s)", e.Rule, e.Urgency, e.Category)
	case Retarget:
		return fmt.Sprintf("retarget rule `%s` to %s %s", e.Rule, e.Urgency, e.Category)
	case Unbound:
		return fmt.Sprintf("take the bound off rule `%s`", e.Rule)
	case Reestimate:
		return fmt.Sprintf("estimate rule `%s` %g", e.Rule, e.Estimate)
	}
	return fmt.Sprintf("make rule `%s` %s", e.Rule, e.Urgency)
}

// SuggestOptions tunes Suggest; zero values take the defaults.
type SuggestOptions struct {
	// MinSupport is the fewest history items an edit must turn right (3).
	MinSupport int
	// MinPrecision is the least share, in percent, of the items holding a
	// phrase whose label agrees with the edit (75); a rule misfires below
	// 100 minus it.
	MinPrecision float64
	// Max is the most edits returned of each sort (10): edits of what the
	// rules decide, and estimate edits.
	Max int
	// DefaultEstimate is the team's estimate for a rule that sets none.
	DefaultEstimate float64
	// EstimateFactor is how far off, as a ratio either way, a rule's
	// estimate must be from the median time spent on its requests for
	// Suggest to propose another (2).
	EstimateFactor float64
	// Keep, when set, vets each edit of what the rules decide before it is
	// ranked: an edit it refuses is not proposed. The CLI runs the team's
	// rule tests on the edited rules with it, so what is proposed keeps
	// them passing.
	Keep func(Edit) bool
	// Decided counts, by rule, the requests each rule decided in the
	// history, labelled or not; nil knows only the labelled ones. A rule
	// is retargeted only when the labelled are at least half of what it
	// decided: a few labels say too little of the rest.
	Decided map[string]int
}

// Suggestions are the edits Suggest found, in the order to read them, and
// the rules evaluated on the history (Evaluate) without and with all of
// them made.
type Suggestions struct {
	Before, After Result
	// Now and Edited are Before and After counted as an Agreement, which
	// also measures the estimates against the time spent.
	Now, Edited Agreement
	Edits       []Edit
	// Rules are the rules with every edit made.
	Rules []classifier.Rule
}

// target is a label: what the team says a request is.
type target struct {
	u classifier.Urgency
	c string
}

// Suggest mines the history for rule edits. rules and opt are what the
// team's rules compile from. It never changes rules: the edited copy is in
// the result. It is safe to call concurrently.
func Suggest(rules []classifier.Rule, opt classifier.Options, ex []Example, so SuggestOptions) (*Suggestions, error) {
	if so.MinSupport <= 0 {
		so.MinSupport = 3
	}
	if so.MinPrecision <= 0 {
		so.MinPrecision = 75
	}
	if so.Max <= 0 {
		so.Max = 10
	}
	if so.EstimateFactor <= 1 {
		so.EstimateFactor = 2
	}
	set, err := classifier.Compile(rules, opt)
	if err != nil {
		return nil, fmt.Errorf("compile rules: %w", err)
	}
	m := &miner{rules: set.Rules(), opt: opt, ex: ex, so: so}
	m.baseline(set)
	var edits []Edit
	// A rule gets one edit of what it decides: the first found of a new
	// urgency from what the team did with its requests (the plainest to
	// read), a retarget, or new phrases.
	retargeted := map[string]bool{}
	for _, e := range m.actions(retargeted) {
		retargeted[e.Rule] = true
		edits = append(edits, e)
	}
	// A bound answers for the urgencies it moved, so the rules it moved
	// them from are judged on what they decided themselves.
	edits = append(edits, m.bounds()...)
	for _, e := range m.misfires(retargeted) {
		retargeted[e.Rule] = true
		edits = append(edits, e)
	}
	phrases, err := m.phrases(retargeted)
	if err != nil {
		return nil, fmt.Errorf("mine phrases: %w", err)
	}
	edits = append(edits, phrases...)
	if so.Keep != nil {
		edits = slices.DeleteFunc(edits, func(e Edit) bool { return !so.Keep(e) })
	}
	slices.SortStableFunc(edits, func(a, b Edit) int {
		return cmp.Compare(gain(b), gain(a))
	})
	if len(edits) > so.Max {
		edits = edits[:so.Max]
	}
	// Estimates change no decision, so they neither compete with the edits
	// above nor are changed by them.
	est := m.estimates()
	slices.SortStableFunc(est, func(a, b Edit) int {
		return cmp.Compare(b.Before.EstimateOff-b.After.EstimateOff, a.Before.EstimateOff-a.After.EstimateOff)
	})
	if len(est) > so.Max {
		est = est[:so.Max]
	}
	edits = append(edits, est...)
	// The baseline's decisions are the rules' as they are: scoring them
	// again would classify the whole history twice.
	out := &Suggestions{Before: score(ex, m.pred), Now: m.before, Edits: edits, Rules: Apply(m.rules, edits)}
	final, err := classifier.Compile(out.Rules, opt)
	if err != nil {
		return nil, fmt.Errorf("compile suggested rules: %w", err)
	}
	// Only the items some edit touched can be decided otherwise.
	ds := slices.Clone(m.pred)
	var touched []int
	for _, e := range edits {
		touched = append(touched, e.touched...)
	}
	slices.Sort(touched)
	touched = slices.Compact(touched)
	parallel(len(touched), func(j int) { ds[touched[j]] = m.decide(final, touched[j]) })
	out.After = score(ex, ds)
	for i := range ex {
		out.Edited.add(&ex[i], ds[i], 1)
	}
	return out, nil
}

func gain(e Edit) int {
	return (e.After.Urgency + e.After.Category) - (e.Before.Urgency + e.Before.Category)
}

// decide classifies example i with set, with the team's default estimate
// where the rules set none, as intake does.
func (m *miner) decide(set *classifier.Set, i int) classifier.Decision {
	d := set.Classify(m.ex[i].Input)
	if d.Estimate == 0 {
		d.Estimate = m.so.DefaultEstimate
	}
	return d
}

// miner holds the history as the rules see it now.
type miner struct {
	rules []classifier.Rule
	opt   classifier.Options
	ex    []Example
	so    SuggestOptions
	pred  []classifier.Decision
	grams [][]string // per example, its distinct candidate phrases
	// copy marks an example whose normalised text and label an earlier
	// example has already: a request posted again is one request, so
	// copies count for no support, precision or minimum.
	copy   []bool
	before Agreement
	byRule map[string]*ruleTally
	// byBound are the bounds' tallies, by the continue rule's name.
	byBound map[string]*boundTally
}

// baseline decides every example with the rules as they are, on all
// CPUs, as Evaluate does.
func (m *miner) baseline(set *classifier.Set) {
	m.pred = make([]classifier.Decision, len(m.ex))
	m.grams = make([][]string, len(m.ex))
	said := make([]string, len(m.ex)) // each example's words, joined
	parallel(len(m.ex), func(i int) {
		m.pred[i] = m.decide(set, i)
		ws := words(text(&m.ex[i]))
		m.grams[i] = grams(ws)
		said[i] = strings.Join(ws, " ")
	})
	m.copy = make([]bool, len(m.ex))
	seen := make(map[copyKey]bool, len(m.ex))
	for i := range m.ex {
		m.before.add(&m.ex[i], m.pred[i], 1)
		e := &m.ex[i]
		k := copyKey{said[i], target{e.Urgency, e.Category}}
		m.copy[i] = seen[k]
		seen[k] = true
	}
	m.byRule = m.tally()
}

// copyKey is what makes two examples one request: the same words, as the
// rules see them, and the same label.
type copyKey struct {
	text string
	t    target
}

// grams returns the distinct words and two-word phrases of ws, a text's
// words, that could make a rule: no function words (see functionWords),
// nothing shorter than three letters, no numbers; so a phrase neither
// starts nor ends with a function word.
func grams(ws []string) []string {
	ok := func(w string) bool {
		return len(w) >= 3 && !functionWords[w] && strings.ContainsFunc(w, func(r rune) bool { return r < '0' || r > '9' })
	}
	var out []string
	for i, w := range ws {
		if !ok(w) {
			continue
		}
		out = append(out, w)
		if i+1 < len(ws) && ok(ws[i+1]) {
			out = append(out, w+" "+ws[i+1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// rescore returns the score with rules instead of the baseline, classifying
// only the examples touched: those an edit may change. fixed counts the
// touched requests the baseline got wrong and rules get right, as ok
// judges right, broken those it got right and rules get wrong; a copy of
// a request counted already counts in the score but not in these.
func (m *miner) rescore(rules []classifier.Rule, touched []int, ok func(*Example, classifier.Decision) bool) (s Agreement, fixed, broken int, err error) {
	set, err := classifier.Compile(rules, m.opt)
	if err != nil {
		return Agreement{}, 0, 0, err
	}
	s = m.before
	ds := make([]classifier.Decision, len(touched))
	parallel(len(touched), func(j int) { ds[j] = m.decide(set, touched[j]) })
	for j, i := range touched {
		d := ds[j]
		s.add(&m.ex[i], m.pred[i], -1)
		s.add(&m.ex[i], d, 1)
		if m.copy[i] {
			continue // the score counts every example, the support requests
		}
		was, is := ok(&m.ex[i], m.pred[i]), ok(&m.ex[i], d)
		switch {
		case !was && is:
			fixed++
		case was && !is:
			broken++
		}
	}
	return s, fixed, broken, nil
}

// misfires finds rules that are mostly wrong on the requests they decide,
// and proposes the urgency and category the team gave most of them. Rules
// in skip already have an edit.
func (m *miner) misfires(skip map[string]bool) []Edit {
	var out []Edit
	for ri, r := range m.rules {
		t := m.byRule[r.Name]
		if t == nil || r.Default || skip[r.Name] || t.fired < m.so.MinSupport || percent(t.correct, t.fired) >= 100-m.so.MinPrecision {
			continue
		}
		best, n := target{}, 0
		for l, c := range t.labels {
			if c > n || c == n && (l.u < best.u || l.u == best.u && l.c < best.c) {
				best, n = l, c
			}
		}
		if best.c == "" {
			best.c = r.Category
		}
		decided := max(m.so.Decided[r.Name], t.fired)
		if n <= t.correct || n < m.so.MinSupport || 2*t.fired < decided {
			// Left to phrases: a new rule ahead of this one can take the
			// mislabelled requests without moving the rest.
			continue
		}
		e := Edit{Kind: Retarget, Rule: r.Name, Urgency: best.u, Category: best.c, Support: n, Decided: decided,
			Against: t.fired - n, Fired: t.fired, Correct: t.correct, Before: m.before,
			Deferred: t.deferred, Declined: t.declined, Approved: t.approved}
		rules := slices.Clone(m.rules)
		rules[ri].Urgency, rules[ri].Category = best.u, best.c
		// n counts labels; the support is what the retarget turns right,
		// which a bound or an earlier rule can make fewer.
		after, fixed, _, err := m.rescore(rules, t.touched, right)
		if err != nil || fixed < m.so.MinSupport || !after.Better(m.before) {
			continue
		}
		e.After, e.touched = after, t.touched
		out = append(out, e)
	}
	return out
}

// phrases finds words and phrases that the requests the rules got wrong
// share with each other and rarely with requests labelled otherwise. A
// phrase goes to the rule with the label's outcome that already decides
// the most requests saying it, or to a new rule when none decides any.
func (m *miner) phrases(skip map[string]bool) ([]Edit, error) {
	// support[t][g]: wrongly decided requests labelled t that hold g,
	// word for word: these only pick the candidates, which the rules'
	// own matcher then counts (match).
	support := map[target]map[string]int{}
	for i := range m.ex {
		e := &m.ex[i]
		if right(e, m.pred[i]) || e.Category == "" || m.copy[i] {
			continue
		}
		t := target{e.Urgency, e.Category}
		if support[t] == nil {
			support[t] = map[string]int{}
		}
		for _, g := range m.grams[i] {
			support[t][g]++
		}
	}
	cands := m.screen(support)
	if len(cands) == 0 {
		return nil, nil
	}
	requests := 0
	for i := range m.ex {
		if !m.copy[i] {
			requests++
		}
	}
	// The candidates are matched with the classifier in rounds, each
	// target's best bound first, until what is left cannot change its
	// picks: most never need matching.
	ph := &phraseStats{where: map[string][]int{}, total: map[string]int{}, agree: map[target]map[string]int{},
		support: map[target]map[string]int{}, requests: requests}
	next := map[target]int{}
	picks := map[target][]string{}
	done := map[target]bool{} // the targets whose picks are final
	matched := map[string]bool{}
	for k := 16; len(done) < len(cands); k *= 2 {
		var batch []string
		for t, list := range cands {
			if done[t] {
				continue
			}
			for end := min(len(list), next[t]+k); next[t] < end; next[t]++ {
				if g := list[next[t]].g; !matched[g] {
					matched[g] = true
					batch = append(batch, g)
				}
			}
		}
		slices.Sort(batch)
		if err := m.count(ph, batch); err != nil {
			return nil, err
		}
		for t, list := range cands {
			if done[t] {
				continue
			}
			var gs []string
			for _, c := range list[:next[t]] {
				gs = append(gs, c.g)
			}
			picks[t] = m.pick(ph, t, gs)
			// An unmatched candidate can be no better than its bound, and
			// is picked only ahead of a pick it beats or for a free place.
			if next[t] == len(list) || list[next[t]].bound < m.so.MinSupport ||
				len(picks[t]) == 3 && list[next[t]].bound < ph.support[t][picks[t][2]] {
				done[t] = true
			}
		}
	}
	var out []Edit
	for _, t := range sortedTargets(cands) {
		// Each phrase goes to its own rule: phrases with one owner make
		// one edit.
		var owners []int
		byOwner := map[int][]string{}
		for _, g := range picks[t] {
			ri := m.owner(t, ph.where[g], skip)
			if _, ok := byOwner[ri]; !ok {
				owners = append(owners, ri)
			}
			byOwner[ri] = append(byOwner[ri], g)
		}
		for _, ri := range owners {
			if e, ok := m.phraseEdit(t, ri, byOwner[ri], ph.where, ph.total, ph.agree, skip); ok {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// phraseStats are what the classifier matched of the candidate phrases:
// the history items each matches (where), and, counting each request
// once, how many it matches (total), how many of them are labelled t
// (agree[t]), and how many of those the rules get wrong (support[t]).
type phraseStats struct {
	where    map[string][]int
	total    map[string]int
	agree    map[target]map[string]int
	support  map[target]map[string]int
	requests int // in the history, each once
}

// count matches phrases with the classifier and adds them to ph.
func (m *miner) count(ph *phraseStats, phrases []string) error {
	if len(phrases) == 0 {
		return nil
	}
	where, err := m.match(phrases)
	if err != nil {
		return err
	}
	for g, is := range where {
		ph.where[g] = is
		for _, i := range is {
			e := &m.ex[i]
			if m.copy[i] {
				continue
			}
			t := target{e.Urgency, e.Category}
			ph.total[g]++
			if ph.agree[t] == nil {
				ph.agree[t] = map[string]int{}
			}
			ph.agree[t][g]++
			if !right(e, m.pred[i]) && e.Category != "" {
				if ph.support[t] == nil {
					ph.support[t] = map[string]int{}
				}
				ph.support[t][g]++
			}
		}
	}
	return nil
}

// pick returns, best first, the phrases of gs, matched already, that a
// rule for label t would be given: enough support and precision, not too
// common, each adding requests the ones before it do not cover.
func (m *miner) pick(ph *phraseStats, t target, gs []string) []string {
	type cand struct {
		g       string
		support int
	}
	var cs []cand
	for _, g := range gs {
		n := ph.support[t][g]
		if n >= m.so.MinSupport && percent(ph.agree[t][g], ph.total[g]) >= m.so.MinPrecision && !common(g, ph.total[g], ph.requests) {
			cs = append(cs, cand{g, n})
		}
	}
	// Best supported first; a phrase beats its own words, being surer.
	slices.SortFunc(cs, func(a, b cand) int {
		if c := cmp.Compare(b.support, a.support); c != 0 {
			return c
		}
		if c := cmp.Compare(strings.Count(b.g, " "), strings.Count(a.g, " ")); c != 0 {
			return c
		}
		return strings.Compare(a.g, b.g)
	})
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.g
	}
	return m.cover(out, t, ph.where)
}

// phraseEdit is the edit adding gs, phrases labelled t, to rule ri, or to
// a new rule when ri is -1; ok is false when it turns too few right.
func (m *miner) phraseEdit(t target, ri int, gs []string, where map[string][]int, total map[string]int, agree map[target]map[string]int, skip map[string]bool) (e Edit, ok bool) {
	rules := slices.Clone(m.rules)
	var touched []int
	for _, g := range gs {
		e.Phrases = append(e.Phrases, g)
		e.Against += total[g] - agree[t][g]
		touched = append(touched, where[g]...)
	}
	slices.Sort(touched)
	touched = slices.Compact(touched)
	var nr classifier.Rule
	if ri >= 0 {
		e.Kind, e.Rule = AddPhrase, m.rules[ri].Name
		rules[ri].Any = append(slices.Clone(rules[ri].Any), e.Phrases...)
	} else {
		e.Kind, e.Rule = AddRule, newRuleName(t, gs[0], m.rules)
		nr = newRule(e.Rule, t, e.Phrases, m.ex, touched)
		e.Estimate = nr.Estimate
		rules = slices.Insert(rules, defaultIndex(rules), nr)
	}
	e.Urgency, e.Category = t.u, t.c
	// The phrases were picked from wrongly decided requests that say
	// them, but a bound or an earlier rule can still decide those
	// otherwise: the support is what the edit turns right, and an
	// edit that only betters the category, say, has none.
	after, fixed, _, err := m.rescore(rules, touched, right)
	if err == nil && fixed < m.so.MinSupport {
		// An earlier rule decides them: a new rule, more specific,
		// goes ahead of it, and the rest of what it decides stays;
		// unless that rule has an edit of its own already.
		if ahead := m.ahead(t, gs, where); ahead >= 0 && !skip[m.rules[ahead].Name] {
			if ri >= 0 {
				e.Kind, e.Rule = AddRule, newRuleName(t, gs[0], m.rules)
				nr = newRule(e.Rule, t, e.Phrases, m.ex, touched)
				e.Estimate = nr.Estimate
			}
			rules = slices.Insert(slices.Clone(m.rules), ahead, nr)
			e.Ahead = m.rules[ahead].Name
			after, fixed, _, err = m.rescore(rules, touched, right)
		}
	}
	if err != nil || fixed < m.so.MinSupport || !after.Better(m.before) {
		return e, false
	}
	e.Before, e.After, e.Support, e.touched = m.before, after, fixed, touched
	return e, true
}

// bounded is a candidate phrase and the most requests it can support.
type bounded struct {
	g     string
	bound int
}

// screen returns, for each label, the phrases with MinSupport or more in
// support that can still reach MinPrecision once every form a rule
// matches is counted, most support possible first. Matching a phrase with
// the classifier costs a pass over every phrase for every request, and
// most fall short on their own words. The requests a phrase supports or
// agrees with can be at most those saying one of its forms (family), the
// others at least those saying it word for word, so a phrase is left out
// only when even that best case falls short. (For a two-word phrase the
// words said across a comma count as said, which the rules would not
// match: such a phrase may be left out that the rules would have kept,
// never one kept that they would not.)
func (m *miner) screen(support map[target]map[string]int) map[target][]bounded {
	family := map[string][]string{}
	counted := map[string]bool{}
	for _, gs := range support {
		for g, n := range gs {
			if n < m.so.MinSupport || family[g] != nil {
				continue
			}
			fs := []string{""}
			for _, w := range strings.Fields(g) {
				var next []string
				for _, f := range fs {
					for _, form := range classifier.Forms(w) {
						next = append(next, strings.TrimPrefix(f+" "+form, " "))
					}
				}
				fs = next
			}
			family[g] = fs
			for _, f := range fs {
				counted[f] = true
			}
		}
	}
	total := map[string]int{}
	agree := map[target]map[string]int{}
	for i := range m.ex {
		if m.copy[i] {
			continue
		}
		t := target{m.ex[i].Urgency, m.ex[i].Category}
		for _, g := range m.grams[i] {
			if !counted[g] {
				continue
			}
			total[g]++
			if agree[t] == nil {
				agree[t] = map[string]int{}
			}
			agree[t][g]++
		}
	}
	out := map[target][]bounded{}
	for t, gs := range support {
		for g, n := range gs {
			if n < m.so.MinSupport {
				continue
			}
			most, bound := 0, 0
			for _, f := range family[g] {
				most += agree[t][f]
				bound += support[t][f]
			}
			if percent(most, most+total[g]-agree[t][g]) >= m.so.MinPrecision {
				out[t] = append(out[t], bounded{g, bound})
			}
		}
		slices.SortFunc(out[t], func(a, b bounded) int {
			return cmp.Or(cmp.Compare(b.bound, a.bound), strings.Compare(a.g, b.g))
		})
	}
	return out
}

// common reports whether g is a single word said in more than a fifth of
// the history's requests: a word that common ("org" on a forge's help
// desk) is how the team talks, not what one kind of request says. A
// history of fewer than 50 requests is too small to tell.
func common(g string, n, requests int) bool {
	return !strings.Contains(g, " ") && requests >= 50 && 5*n > requests
}

// match returns, for each of phrases, the history items a rule saying it
// would match: the classifier's own matcher decides, inflections and
// punctuation as in every rule ("download" matches "downloads", "access
// request" does not match "access, request"), so that the support, the
// precision and the items re-scored are what the edited rules will match.
// One rule says them all, and the decision lists those it matched, so the
// history is classified once and the text scanned once for them all.
func (m *miner) match(phrases []string) (map[string][]int, error) {
	rules := func(any []string) []classifier.Rule {
		return []classifier.Rule{{Name: "phrases", Any: any, Urgency: classifier.P4}, {Name: "rest", Default: true, Urgency: classifier.P4}}
	}
	set, err := classifier.Compile(rules(phrases), classifier.Options{})
	if err != nil {
		// A word the rules cannot take as a keyword is no phrase; the
		// others are still matched.
		phrases = slices.DeleteFunc(slices.Clone(phrases), func(g string) bool {
			_, err := classifier.Compile(rules([]string{g}), classifier.Options{})
			return err != nil
		})
		if len(phrases) == 0 {
			return map[string][]int{}, nil // none can be a keyword, so none matches
		}
		if set, err = classifier.Compile(rules(phrases), classifier.Options{}); err != nil {
			return nil, fmt.Errorf("compile phrases: %w", err)
		}
	}
	hits := make([][]string, len(m.ex))
	parallel(len(m.ex), func(i int) { hits[i] = set.Classify(m.ex[i].Input).Matched })
	where := make(map[string][]int, len(phrases))
	for i, hs := range hits {
		for _, g := range hs {
			where[g] = append(where[g], i)
		}
	}
	return where, nil
}

// owner returns the index of the rule a phrase labelled t goes to: of the
// rules with t's urgency and category and an `any:` list, the one that
// decides the most of touched, the requests saying the phrase, since it
// already decides their neighbours; the first of those tied. It returns -1
// when none decides any of them: the phrase then makes a new rule rather
// than joining a rule about something else that happens to share the
// outcome.
func (m *miner) owner(t target, touched []int, skip map[string]bool) int {
	decides := map[string]int{}
	for _, i := range touched {
		decides[m.pred[i].Rule]++
	}
	best, most := -1, 0
	for i, r := range m.rules {
		if r.Default || r.Continue || len(r.Any) == 0 || skip[r.Name] || r.Urgency != t.u || r.Category != t.c {
			continue
		}
		if n := decides[r.Name]; n > most {
			best, most = i, n
		}
	}
	return best
}

// ahead returns the index of the first rule, other than the default, that
// decides wrongly a request labelled t saying one of phrases, or -1.
func (m *miner) ahead(t target, phrases []string, where map[string][]int) int {
	first := -1
	for _, g := range phrases {
		for _, i := range where[g] {
			e := &m.ex[i]
			if e.Urgency != t.u || e.Category != t.c || right(e, m.pred[i]) {
				continue
			}
			ri := slices.IndexFunc(m.rules, func(r classifier.Rule) bool { return r.Name == m.pred[i].Rule })
			if ri >= 0 && !m.rules[ri].Default && (first < 0 || ri < first) {
				first = ri
			}
		}
	}
	return first
}

// distinct counts the items of is that are not copies of another.
func distinct(is []int, copy []bool) int {
	n := 0
	for _, i := range is {
		if !copy[i] {
			n++
		}
	}
	return n
}

// cover keeps, best first, up to three phrases that each turn at least
// MinSupport more wrongly decided requests labelled t than the phrases
// kept before it: a word that only ever comes with a kept phrase adds
// nothing.
func (m *miner) cover(cs []string, t target, where map[string][]int) []string {
	covered := map[int]bool{}
	var out []string
	for _, c := range cs {
		var fresh []int
		for _, i := range where[c] {
			e := &m.ex[i]
			if !covered[i] && e.Urgency == t.u && e.Category == t.c && !right(e, m.pred[i]) {
				fresh = append(fresh, i)
			}
		}
		if distinct(fresh, m.copy) < m.so.MinSupport {
			continue
		}
		for _, i := range fresh {
			covered[i] = true
		}
		if out = append(out, c); len(out) == 3 {
			break
		}
	}
	return out
}

func sortedTargets[V any](m map[target]V) []target {
	ts := make([]target, 0, len(m))
	for t := range m {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b target) int {
		if c := cmp.Compare(a.u, b.u); c != 0 {
			return c
		}
		return strings.Compare(a.c, b.c)
	})
	return ts
}

func defaultIndex(rules []classifier.Rule) int {
	for i, r := range rules {
		if r.Default {
			return i
		}
	}
	return len(rules)
}

// newRuleName is "learned-CATEGORY-WORD", unique among rules.
func newRuleName(t target, phrase string, rules []classifier.Rule) string {
	base := "learned-" + t.c + "-" + strings.ReplaceAll(phrase, " ", "-")
	name := base
	for n := 2; slices.ContainsFunc(rules, func(r classifier.Rule) bool { return r.Name == name }); n++ {
		name = fmt.Sprintf("%s-%d", base, n)
	}
	return name
}

// newRule is a rule for label t on phrases; its estimate is the median
// time spent on the history items it matches, when any was given.
func newRule(name string, t target, phrases []string, ex []Example, touched []int) classifier.Rule {
	var spent []float64
	for _, i := range touched {
		if ex[i].HasActual && ex[i].Urgency == t.u && ex[i].Category == t.c {
			spent = append(spent, ex[i].Actual)
		}
	}
	est, _ := Median(spent)
	return classifier.Rule{Name: name, Any: phrases, Urgency: t.u, Category: t.c, Estimate: est}
}

// Apply makes every edit on a copy of rules and returns the copy.
func Apply(rules []classifier.Rule, edits []Edit) []classifier.Rule {
	out := slices.Clone(rules)
	for _, e := range edits {
		i := slices.IndexFunc(out, func(r classifier.Rule) bool { return r.Name == e.Rule })
		switch e.Kind {
		case AddPhrase:
			out[i].Any = append(slices.Clone(out[i].Any), e.Phrases...)
		case Retarget:
			out[i].Urgency, out[i].Category = e.Urgency, e.Category
		case Waits, Declines:
			out[i].Urgency = e.Urgency
		case Reestimate:
			out[i].Estimate = e.Estimate
		case Unbound:
			out = unbind(out, i)
		case AddRule:
			at := defaultIndex(out)
			if a := slices.IndexFunc(out, func(r classifier.Rule) bool { return r.Name == e.Ahead }); e.Ahead != "" && a >= 0 {
				at = a
			}
			out = slices.Insert(out, at, classifier.Rule{Name: e.Rule, Any: e.Phrases,
				Urgency: e.Urgency, Category: e.Category, Estimate: e.Estimate})
		}
	}
	return out
}

// ScoreEdit scores the rules set compiled from, with opt, on ex without
// and with edit e alone, as Suggest scores an edit on the history it
// mined, defaultEstimate standing for the estimate of a rule that sets
// none. It is for another team whose rules share the edited rule (a YAML
// alias of it): the edit changes their rules too, and they judge it on
// their own history. Only the edited rules are compiled: set is the
// team's, compiled already.
func ScoreEdit(set *classifier.Set, opt classifier.Options, ex []Example, defaultEstimate float64, e Edit) (before, after Agreement, err error) {
	rules := set.Rules()
	if e.Kind != AddRule && !slices.ContainsFunc(rules, func(r classifier.Rule) bool { return r.Name == e.Rule }) {
		return before, after, fmt.Errorf("score edit: no rule %q", e.Rule)
	}
	edited, err := classifier.Compile(Apply(rules, []Edit{e}), opt)
	if err != nil {
		return before, after, fmt.Errorf("compile edited rules: %w", err)
	}
	m := &miner{opt: opt, ex: ex, so: SuggestOptions{DefaultEstimate: defaultEstimate}}
	for _, out := range []struct {
		set *classifier.Set
		a   *Agreement
	}{{set, &before}, {edited, &after}} {
		ds := make([]classifier.Decision, len(ex))
		parallel(len(ex), func(i int) { ds[i] = m.decide(out.set, i) })
		for i := range ex {
			out.a.add(&ex[i], ds[i], 1)
		}
	}
	return before, after, nil
}
