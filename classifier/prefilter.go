package classifier

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// prefilter is a cheap necessary condition for a regex to match: one of its
// literals occurs in the lower-cased text. Go's regexp scans from every
// position when a pattern has no literal prefix, which made regexes about
// nine tenths of the cost of a decision; a substring search over the
// already lower-cased text lets most requests skip them.
type prefilter struct {
	alts [][]byte // lower-cased; empty means "cannot rule anything out"
	// foldS is set when a case-insensitive literal contains 's': (?i)s also
	// matches 'ſ' (U+017F), whose lower case is not 's', so a text with 'ſ'
	// must go to the regex. It is the only rune whose simple case folding
	// reaches ASCII while its lower case does not.
	foldS bool
}

// maxAlts bounds the literal searches, beyond which the regex is no slower.
const maxAlts = 32

// lit is a literal every match contains; fold when matched case-insensitively.
type lit struct {
	s    string
	fold bool
}

// newPrefilter derives the literals from a pattern that regexp accepted.
func newPrefilter(expr string) prefilter {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return prefilter{}
	}
	lits, ok := required(re)
	if !ok || len(lits) > maxAlts {
		return prefilter{}
	}
	var p prefilter
	for _, l := range lits {
		p.alts = append(p.alts, []byte(l.s))
		if l.fold && strings.ContainsRune(l.s, 's') {
			p.foldS = true
		}
	}
	return p
}

// mayMatch reports whether the regex can match a text whose lower-cased form
// is lower; longS tells whether the text contains 'ſ'.
func (p *prefilter) mayMatch(lower []byte, longS bool) bool {
	if len(p.alts) == 0 || longS && p.foldS {
		return true
	}
	for _, a := range p.alts {
		if bytes.Contains(lower, a) {
			return true
		}
	}
	return false
}

// required returns literals one of which every match of re contains, lower-
// cased, or false when it finds none. A case-sensitive literal works too,
// since lowering a text rune by rune lowers every occurrence in it alike.
func required(re *syntax.Regexp) ([]lit, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase == 0 {
			return []lit{{strings.Map(unicode.ToLower, s), false}}, true
		}
		if !isASCII(s) {
			return nil, false // non-ASCII case folding does not agree with lowering
		}
		return []lit{{strings.ToLower(s), true}}, true
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []lit
		found := false
		for _, sub := range re.Sub {
			if lits, ok := required(sub); ok && (!found || better(lits, best)) {
				best, found = lits, true
			}
		}
		return best, found
	case syntax.OpAlternate:
		var all []lit
		for _, sub := range re.Sub {
			lits, ok := required(sub)
			if !ok {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, true
	}
	return nil, false
}

// better prefers literals that are rarer in text: longer, then fewer.
func better(a, b []lit) bool {
	if ma, mb := minLen(a), minLen(b); ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
}

func minLen(lits []lit) int {
	m := -1
	for _, l := range lits {
		if m < 0 || len(l.s) < m {
			m = len(l.s)
		}
	}
	return m
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
