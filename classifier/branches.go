package classifier

import (
	"regexp"
	"regexp/syntax"
)

// branch is one alternative of a regex written as a top-level alternation
// (`a...|b...|c...`), compiled alone with its own prefilter. Running only
// the alternatives whose literals occur is much cheaper than running the
// whole pattern, and a large pattern (over 500 instructions) is run by
// regexp's slower NFA where its alternatives would each be backtracked.
type branch struct {
	re  *regexp.Regexp
	pre prefilter
}

// maxBranches bounds the regexes one rule may be split into.
const maxBranches = 32

// branches splits a pattern that regexp accepted into its top-level
// alternatives, or returns nil when it is not one, or when an alternative
// does not read back as the same expression (a numbered capture group
// would be renumbered, say).
func (l *literals) branches(expr string) []branch {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil || re.Op != syntax.OpAlternate || len(re.Sub) > maxBranches {
		return nil
	}
	out := make([]branch, 0, len(re.Sub))
	for _, sub := range re.Sub {
		b, ok := l.branchOf(sub, true)
		if !ok {
			return nil
		}
		out = append(out, b)
	}
	return out
}

// branchOf compiles re with its prefilter. When exact is set, re must read
// back from its written form as the same expression, numbered groups
// included, since its match is what a rule reports.
func (l *literals) branchOf(re *syntax.Regexp, exact bool) (branch, bool) {
	src, ok := source(re)
	if !ok {
		return branch{}, false
	}
	if exact {
		back, err := syntax.Parse(src, syntax.Perl)
		if err != nil || !back.Equal(re) {
			return branch{}, false
		}
	}
	compiled, err := regexp.Compile(src)
	if err != nil {
		return branch{}, false
	}
	return branch{re: compiled, pre: l.prefilterOf(re)}, true
}

// find reports whether r's regex matches v and, when loc is wanted, where
// its match is. A split regex gives the match the whole pattern would:
// regexp's leftmost-first semantics take the leftmost start, and there the
// first alternative that matches, with that alternative's own match.
func (r *compiledRule) find(s *Set, sc *scratch, v []byte, wantLoc bool) ([]int, bool) {
	// The whole pattern's prefilter rules out most texts at once, before
	// those of its branches or its gate's pieces.
	if !r.pre.mayMatch(s.lits, sc.tk.buf, sc.tk.longS, &sc.lits) {
		return nil, false
	}
	if r.branches == nil {
		if r.gate != nil && !r.gate.open(s, sc, v) {
			return nil, false
		}
		if !wantLoc {
			return nil, r.re.Match(v)
		}
		loc := r.re.FindIndex(v)
		return loc, loc != nil
	}
	var best []int
	for i := range r.branches {
		b := &r.branches[i]
		if !b.pre.mayMatch(s.lits, sc.tk.buf, sc.tk.longS, &sc.lits) {
			continue
		}
		if !wantLoc {
			if b.re.Match(v) {
				return nil, true
			}
			continue
		}
		if loc := b.re.FindIndex(v); loc != nil && (best == nil || loc[0] < best[0]) {
			best = loc
			if best[0] == 0 {
				break // no later alternative can start further left
			}
		}
	}
	return best, best != nil
}
