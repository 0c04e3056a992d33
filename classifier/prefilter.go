package classifier

import (
	"bytes"
	"math/bits"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// prefilter is a cheap necessary condition for a regex to match: a formula
// of ANDs and ORs over literals that must occur in the lower-cased text.
// Go's regexp scans from every position when a pattern has no literal
// prefix, so a substring search that rules a text out is far cheaper. Each
// literal is interned in the Set's literal table, so that a literal that
// many rules need ("fail", "error") is searched for at most once per text.
//
// A concatenation needs every part, an alternation one branch: for
// `\b(?:errors?|down)\b[^.]{0,50}\bsince yesterday\b` the filter is
// ("error" OR "down") AND "since yesterday", where an OR of all the
// literals would let any text with "error" reach the regex.
type prefilter struct {
	q query // the zero query rules nothing out
	// foldS is set when a case-insensitive literal contains 's': (?i)s also
	// matches 'ſ' (U+017F), whose lower case is not 's', so a text with 'ſ'
	// must go to the regex. It is the only rune whose simple case folding
	// reaches ASCII while its lower case does not.
	foldS bool
}

// query is a node of a prefilter's formula.
type query struct {
	op   uint8
	lit  int32   // qLit: index in literals.list
	subs []query // qAnd, qOr
	// lits are the literals among subs, and nested the indexes of the
	// other subs: a text holds all (qAnd) or one (qOr) of lits by a few
	// word operations, where a sub at a time cost a test per literal.
	lits   bitMask
	nested []int32
}

const (
	qAny uint8 = iota // true: the node rules nothing out
	qLit              // the literal occurs
	qAnd              // every sub holds
	qOr               // some sub holds
)

// maxLits bounds the literal leaves of one prefilter, and so the work
// of building it; a larger one rules nothing out. An AND's or an OR's
// literals are tested a word of bits at a time, so that even one this
// large costs far less than running the regex.
const maxLits = 512

// literals interns the lower-cased literals of a rule set's prefilters.
type literals struct {
	list [][]byte
	ids  map[string]int32
}

// prefilter derives the filter of a pattern that regexp accepted.
func (l *literals) prefilter(expr string) prefilter {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return prefilter{}
	}
	return l.prefilterOf(re)
}

// prefilterOf derives the filter of a parsed pattern.
func (l *literals) prefilterOf(re *syntax.Regexp) prefilter {
	var p prefilter
	q := l.query(re.Simplify(), &p.foldS)
	q.prune(l.list)
	if q.leaves() > maxLits {
		return prefilter{}
	}
	q.order(l.list)
	q.index()
	p.q = q
	return p
}

func (l *literals) intern(s string) int32 {
	if id, ok := l.ids[s]; ok {
		return id
	}
	if l.ids == nil {
		l.ids = map[string]int32{}
	}
	id := int32(len(l.list))
	l.ids[s] = id
	l.list = append(l.list, []byte(s))
	return id
}

// query returns a formula that every text re matches satisfies, over
// lower-cased literals. A case-sensitive literal works too, since lowering
// a text rune by rune lowers every occurrence in it alike.
func (l *literals) query(re *syntax.Regexp, foldS *bool) query {
	if set, ok := exact(re, foldS); ok {
		return l.anyOf(set)
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return l.query(re.Sub[0], foldS)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return l.query(re.Sub[0], foldS)
		}
	case syntax.OpConcat:
		// Runs of parts with few possible texts are multiplied out, so
		// that `\bb(?:lock|roke)` needs "block" or "broke", not "b" and
		// "lock" or "roke" apart. A part with many texts but few ways to
		// start or end joins the run before it by how it starts, and
		// starts the next by how it ends: `for \d+ ?h` needs "for 0" to
		// "for 9", and a digit followed by "h" or " h", where "for " and
		// "h" apart let most texts through.
		var subs []query
		run := []string{""}
		for _, sub := range re.Sub {
			set, ok := exact(sub, foldS)
			if ok && len(run)*len(set) <= maxExact {
				run = vague(product(run, set))
				continue
			}
			before := run
			if !ok {
				if pre, known := affixes(sub, true, foldS); known && len(run)*len(pre) <= maxExact {
					run = product(run, pre)
				}
			}
			subs = append(subs, l.anyOf(run))
			switch {
			case ok:
				run = vague(product(fit(before, maxExact/len(set)), set))
			case repeatsExact(sub, foldS):
				// The run and the next hold what a repeat of an exact
				// part needs.
				run = ends(before, sub, foldS)
			default:
				subs = append(subs, l.query(sub, foldS))
				run = ends(before, sub, foldS)
			}
		}
		return join(qAnd, append(subs, l.anyOf(run)))
	case syntax.OpAlternate:
		subs := make([]query, 0, len(re.Sub))
		for _, sub := range re.Sub {
			subs = append(subs, l.query(sub, foldS))
		}
		return join(qOr, subs)
	}
	return query{}
}

// maxExact bounds the texts exact multiplies out.
const maxExact = 32

// exact returns every text re can match, lower-cased, when they are few
// and known: literals, empty-width assertions, and their concatenations,
// alternations and options. It sets foldS as query does.
func exact(re *syntax.Regexp, foldS *bool) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase == 0 {
			return []string{strings.Map(unicode.ToLower, s)}, true
		}
		if !isASCII(s) {
			return nil, false // non-ASCII case folding does not agree with lowering
		}
		s = strings.ToLower(s)
		if strings.ContainsRune(s, 's') {
			*foldS = true
		}
		return []string{s}, true
	case syntax.OpCharClass:
		return classTexts(re.Rune)
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return []string{""}, true
	case syntax.OpCapture:
		return exact(re.Sub[0], foldS)
	case syntax.OpQuest:
		set, ok := exact(re.Sub[0], foldS)
		if !ok || len(set) >= maxExact {
			return nil, false
		}
		return append([]string{""}, set...), true
	case syntax.OpConcat:
		set := []string{""}
		for _, sub := range re.Sub {
			next, ok := exact(sub, foldS)
			if !ok || len(set)*len(next) > maxExact {
				return nil, false
			}
			set = product(set, next)
		}
		return set, true
	case syntax.OpAlternate:
		var set []string
		for _, sub := range re.Sub {
			next, ok := exact(sub, foldS)
			if !ok || len(set)+len(next) > maxExact {
				return nil, false
			}
			set = append(set, next...)
		}
		return set, true
	}
	return nil, false
}

// classTexts returns the runes of a character class, lower-cased, when
// they are few: [45], \d, [ -]. A case-insensitive class holds every case
// of its letters already, so lowering each is enough.
func classTexts(ranges []rune) ([]string, bool) {
	n := 0
	for i := 0; i+1 < len(ranges); i += 2 {
		if n += int(ranges[i+1]-ranges[i]) + 1; n > maxExact {
			return nil, false
		}
	}
	if n == 0 {
		return nil, false
	}
	var set []string
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			if s := string(unicode.ToLower(r)); !slices.Contains(set, s) {
				set = append(set, s)
			}
		}
	}
	return set, true
}

// affixes returns texts one of which starts (prefix) or ends (!prefix)
// every text re matches, lower-cased, when they are few and known, as
// exact does for whole texts. "" in the set means that some matches
// start or end with nothing known.
func affixes(re *syntax.Regexp, prefix bool, foldS *bool) ([]string, bool) {
	if set, ok := exact(re, foldS); ok {
		return set, true
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return affixes(re.Sub[0], prefix, foldS)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return affixes(re.Sub[0], prefix, foldS)
		}
		fallthrough
	case syntax.OpQuest, syntax.OpStar:
		// Nothing known is "": a match of nothing starts and ends so.
		if set, ok := affixes(re.Sub[0], prefix, foldS); ok && len(set) < maxExact {
			return append([]string{""}, set...), true
		}
	case syntax.OpConcat:
		set := []string{""}
		for k := range re.Sub {
			sub := re.Sub[k]
			if !prefix {
				sub = re.Sub[len(re.Sub)-1-k]
			}
			next, whole := exact(sub, foldS)
			if !whole {
				var ok bool
				if next, ok = affixes(sub, prefix, foldS); !ok {
					break
				}
			}
			if len(set)*len(next) > maxExact {
				break
			}
			if prefix {
				set = product(set, next)
			} else {
				set = product(next, set)
			}
			if !whole {
				break // what follows a part known only in part is not known
			}
		}
		return set, true
	case syntax.OpAlternate:
		var set []string
		for _, sub := range re.Sub {
			next, ok := affixes(sub, prefix, foldS)
			if !ok || len(set)+len(next) > maxExact {
				return nil, false
			}
			set = append(set, next...)
		}
		return set, true
	}
	return nil, false
}

// fit shortens the texts of run from their start, as little as needed to
// leave at most limit of them: a text that ends a match also ends it
// without its first bytes, and the end is what the next part joins.
func fit(run []string, limit int) []string {
	longest := 0
	for _, s := range run {
		longest = max(longest, len(s))
	}
	for n := longest; n > 0 && len(run) > limit; n-- {
		var short []string
		for _, s := range run {
			if t := s[max(0, len(s)-n):]; !slices.Contains(short, t) {
				short = append(short, t)
			}
		}
		run = short
	}
	if len(run) > limit {
		return []string{""}
	}
	return run
}

// ends returns texts one of which ends every match of a concatenation's
// parts up to sub, given the texts that end it before sub. A part that
// may match nothing leaves the texts before it possible.
func ends(before []string, sub *syntax.Regexp, foldS *bool) []string {
	for sub.Op == syntax.OpCapture {
		sub = sub.Sub[0]
	}
	if sub.Op == syntax.OpQuest || sub.Op == syntax.OpStar || sub.Op == syntax.OpRepeat && sub.Min == 0 {
		suf, ok := affixes(sub.Sub[0], false, foldS)
		if !ok || len(suf) >= maxExact {
			return []string{""}
		}
		out := fit(before, maxExact-len(suf))
		for _, t := range suf {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		return vague(out)
	}
	if suf, ok := affixes(sub, false, foldS); ok {
		return vague(suf)
	}
	return []string{""}
}

// vague returns {""} for a set of texts that holds "": one of them
// occurring says no more than "" does, and a shorter set joins more.
func vague(set []string) []string {
	if slices.Contains(set, "") {
		return []string{""}
	}
	return set
}

// repeatsExact reports whether re is one or more repeats of a part with
// few known texts (\d+, x{2,}): what it needs is how it starts, which
// affixes gives.
func repeatsExact(re *syntax.Regexp, foldS *bool) bool {
	if re.Op != syntax.OpPlus && (re.Op != syntax.OpRepeat || re.Min < 1) {
		return false
	}
	_, ok := exact(re.Sub[0], foldS)
	return ok
}

func product(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// anyOf needs one of set to occur. A text that holds "deploys" holds
// "deploy", so only the shortest texts that contain no other are kept;
// the empty text rules nothing out.
func (l *literals) anyOf(set []string) query {
	var subs []query
	for i, s := range set {
		if s == "" {
			return query{}
		}
		redundant := false
		for j, t := range set {
			if j != i && strings.Contains(s, t) && (len(t) < len(s) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			subs = append(subs, query{op: qLit, lit: l.intern(s)})
		}
	}
	return join(qOr, subs)
}

// join makes an AND or an OR of subs, flattened: an AND leaves out what rules
// nothing out, an OR with such a branch rules nothing out itself. An AND
// tries its likeliest false part first.
func join(op uint8, subs []query) query {
	var out []query
	for _, q := range subs {
		switch {
		case q.op == qAny && op == qAnd:
			continue
		case q.op == qAny:
			return query{}
		case q.op == op:
			out = append(out, q.subs...)
		default:
			out = append(out, q)
		}
	}
	// A literal needed twice ("a{2,}" is "aa*") is searched for once.
	out = slices.CompactFunc(out, func(a, b query) bool { return a.op == qLit && b.op == qLit && a.lit == b.lit })
	switch len(out) {
	case 0:
		return query{}
	case 1:
		return out[0]
	}
	return query{op: op, subs: out}
}

// prune drops what other parts of q imply: in an OR, a literal holding
// another ("deploys" beside "deploy"); in an AND, a literal or an OR of
// literals that another part implies: "cve-0" to "cve-9" imply a digit.
func (q *query) prune(lits [][]byte) {
	for i := range q.subs {
		q.subs[i].prune(lits)
	}
	switch q.op {
	case qOr:
		q.subs = dropImplied(q.subs, func(a, b *query) bool {
			return a.op == qLit && b.op == qLit && bytes.Contains(lits[a.lit], lits[b.lit])
		})
	case qAnd:
		q.subs = dropImplied(q.subs, func(a, b *query) bool {
			set := a.litSet()
			return set != nil && b.implies(set, lits)
		})
	}
	if len(q.subs) == 1 {
		*q = q.subs[0]
	}
}

// implies reports whether a text that satisfies q holds one of set.
func (q *query) implies(set []int32, lits [][]byte) bool {
	switch q.op {
	case qLit:
		return slices.ContainsFunc(set, func(x int32) bool { return bytes.Contains(lits[q.lit], lits[x]) })
	case qAnd:
		return slices.ContainsFunc(q.subs, func(sub query) bool { return sub.implies(set, lits) })
	case qOr:
		return !slices.ContainsFunc(q.subs, func(sub query) bool { return !sub.implies(set, lits) })
	}
	return false
}

// dropImplied removes from subs each one that another implies
// (implied(a, b): b implies a), keeping the first of equivalent ones.
func dropImplied(subs []query, implied func(a, b *query) bool) []query {
	out := subs[:0]
	for i := range subs {
		drop := false
		for j := range subs {
			if j != i && implied(&subs[i], &subs[j]) && (j > i || !implied(&subs[j], &subs[i])) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, subs[i])
		}
	}
	return out
}

// litSet returns the literals of a literal or of an OR of literals, or
// nil for anything else.
func (q *query) litSet() []int32 {
	switch q.op {
	case qLit:
		return []int32{q.lit}
	case qOr:
		set := make([]int32, 0, len(q.subs))
		for i := range q.subs {
			if q.subs[i].op != qLit {
				return nil
			}
			set = append(set, q.subs[i].lit)
		}
		return set
	}
	return nil
}

// leaves counts the literals of q, with repeats.
func (q *query) leaves() int {
	n := 0
	if q.op == qLit {
		n = 1
	}
	for i := range q.subs {
		n += q.subs[i].leaves()
	}
	return n
}

// order puts the parts of every AND that are likeliest to fail first: those
// whose shortest literal is longest, as longer literals are rarer in text.
func (q *query) order(lits [][]byte) {
	for i := range q.subs {
		q.subs[i].order(lits)
	}
	if q.op == qAnd {
		slices.SortStableFunc(q.subs, func(a, b query) int { return b.rarity(lits) - a.rarity(lits) })
	}
}

// index sets the lits and nested of every AND and OR in q.
func (q *query) index() {
	var lits []int32
	q.nested = nil
	for i := range q.subs {
		if sub := &q.subs[i]; sub.op == qLit {
			lits = append(lits, sub.lit)
		} else {
			sub.index()
			q.nested = append(q.nested, int32(i))
		}
	}
	q.lits = maskOf(lits)
}

// rarity is the length of the shortest literal that can satisfy q.
func (q *query) rarity(lits [][]byte) int {
	switch q.op {
	case qLit:
		return len(lits[q.lit])
	case qAnd:
		m := 0
		for i := range q.subs {
			m = max(m, q.subs[i].rarity(lits))
		}
		return m
	case qOr:
		m := -1
		for i := range q.subs {
			if r := q.subs[i].rarity(lits); m < 0 || r < m {
				m = r
			}
		}
		return m
	}
	return 0
}

// litSeen remembers, for one text, which literals were searched for and
// which were found, so that each is searched for at most once.
type litSeen struct {
	known, found []uint64
}

func (m *litSeen) reset(n int) {
	words := (n + 63) / 64
	if cap(m.known) < words {
		m.known, m.found = make([]uint64, words), make([]uint64, words)
	}
	m.known, m.found = m.known[:words], m.found[:words]
	clear(m.known)
	clear(m.found)
}

// knowAll records that found holds every literal of the text, as
// litScanner.scan leaves it, so that none is searched for again.
func (m *litSeen) knowAll() {
	for i := range m.known {
		m.known[i] = ^uint64(0)
	}
}

// mayMatch reports whether the regex can match a text whose lower-cased form
// is lower; longS tells whether the text contains 'ſ'.
func (p *prefilter) mayMatch(lits [][]byte, lower []byte, longS bool, seen *litSeen) bool {
	if longS && p.foldS {
		return true
	}
	return p.q.holds(lits, lower, seen)
}

func (q *query) holds(lits [][]byte, lower []byte, seen *litSeen) bool {
	switch q.op {
	case qLit:
		w, bit := q.lit/64, uint64(1)<<(q.lit%64)
		if seen.known[w]&bit == 0 {
			seen.known[w] |= bit
			if bytes.Contains(lower, lits[q.lit]) {
				seen.found[w] |= bit
			}
		}
		return seen.found[w]&bit != 0
	case qAnd:
		seen.learn(lits, lower, q.lits)
		if !q.lits.all(seen.found) {
			return false
		}
		for _, i := range q.nested {
			if !q.subs[i].holds(lits, lower, seen) {
				return false
			}
		}
		return true
	case qOr:
		seen.learn(lits, lower, q.lits)
		if q.lits.any(seen.found) {
			return true
		}
		for _, i := range q.nested {
			if q.subs[i].holds(lits, lower, seen) {
				return true
			}
		}
		return false
	}
	return true
}

// learn searches lower for the literals of m not searched for yet; after
// litScanner.scan and knowAll there are none.
func (m *litSeen) learn(lits [][]byte, lower []byte, mask bitMask) {
	for _, w := range mask {
		for todo := w.bits &^ m.known[w.i]; todo != 0; todo &= todo - 1 {
			bit := todo & -todo
			m.known[w.i] |= bit
			if bytes.Contains(lower, lits[w.i*64+int32(bits.TrailingZeros64(bit))]) {
				m.found[w.i] |= bit
			}
		}
	}
}

// String writes q for tests and debugging: "a", (a & b), (a | b), or * for
// the query that rules nothing out.
func (q *query) String(lits [][]byte) string {
	switch q.op {
	case qLit:
		return string(lits[q.lit])
	case qAnd, qOr:
		sep := " & "
		if q.op == qOr {
			sep = " | "
		}
		parts := make([]string, len(q.subs))
		for i := range q.subs {
			parts[i] = q.subs[i].String(lits)
		}
		return "(" + strings.Join(parts, sep) + ")"
	}
	return "*"
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
