package classifier

import (
	"bytes"
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
}

const (
	qAny uint8 = iota // true: the node rules nothing out
	qLit              // the literal occurs
	qAnd              // every sub holds
	qOr               // some sub holds
)

// maxLits bounds the literal leaves of one prefilter. Past it the filter
// costs about what the regex does; a larger one rules nothing out.
const maxLits = 128

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
	if q.leaves() > maxLits {
		return prefilter{}
	}
	q.order(l.list)
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
		// "lock" or "roke" apart.
		var subs []query
		run := []string{""}
		for _, sub := range re.Sub {
			set, ok := exact(sub, foldS)
			if ok && len(run)*len(set) <= maxExact {
				run = product(run, set)
				continue
			}
			subs = append(subs, l.anyOf(run))
			run = []string{""}
			if ok {
				run = set
			} else {
				subs = append(subs, l.query(sub, foldS))
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
const maxExact = 16

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
		for i := range q.subs {
			if !q.subs[i].holds(lits, lower, seen) {
				return false
			}
		}
		return true
	case qOr:
		for i := range q.subs {
			if q.subs[i].holds(lits, lower, seen) {
				return true
			}
		}
		return false
	}
	return true
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
