package classifier

import (
	"fmt"
	"regexp/syntax"
	"strings"
)

// gate is a cheap test that a large regex can match, run before it. Go's
// regexp runs a program of more than 500 instructions with its NFA, which
// is several times slower than its backtracker, and a prefilter over the
// whole pattern rules out little when its alternatives are many: the
// example rules' persistent-problem pattern (906 instructions) passed its
// prefilter on 15% of texts and matched none of them. A gate is the
// pattern's alternations multiplied out, X(a|b)Y as XaY and XbY, until
// every piece is small enough for the backtracker; each piece has its own
// prefilter, which needs the literals of one alternative of every part at
// once. The pieces match exactly the texts the pattern matches, but not
// always with the same span (the pattern may prefer another alternative
// at the same start), so the gate only says whether to run the pattern.
type gate []branch

// maxBacktrack is the size above which regexp gives up its backtracker
// (regexp's maxBacktrackProg).
const maxBacktrack = 500

// maxGatePieces bounds the regexes a gate compiles.
const maxGatePieces = 64

// gate returns the gate of a pattern that regexp accepted, or nil when the
// pattern is small enough already or cannot be split into small pieces.
func (l *literals) gate(expr string) gate {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = stripCaptures(re).Simplify()
	if progSize(re) <= maxBacktrack {
		return nil
	}
	pieces, ok := splitPieces(re, nil)
	if !ok {
		return nil
	}
	g := make(gate, 0, len(pieces))
	for _, p := range pieces {
		b, ok := l.branchOf(p, false)
		if !ok {
			return nil
		}
		g = append(g, b)
	}
	return g
}

// splitPieces appends to out pieces whose union matches what re matches,
// each small enough for the backtracker, or reports false.
func splitPieces(re *syntax.Regexp, out []*syntax.Regexp) ([]*syntax.Regexp, bool) {
	if progSize(re) <= maxBacktrack {
		return append(out, re), len(out) < maxGatePieces
	}
	switch re.Op {
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			var ok bool
			if out, ok = splitPieces(sub, out); !ok {
				return nil, false
			}
		}
		return out, true
	case syntax.OpConcat:
		// Multiply out the largest alternation: the pieces shrink most.
		at, size := -1, 0
		for i, sub := range re.Sub {
			if sub.Op == syntax.OpAlternate {
				if n := progSize(sub); n > size {
					at, size = i, n
				}
			}
		}
		if at < 0 {
			return nil, false
		}
		for _, alt := range re.Sub[at].Sub {
			subs := make([]*syntax.Regexp, 0, len(re.Sub))
			subs = append(subs, re.Sub[:at]...)
			if alt.Op == syntax.OpConcat {
				subs = append(subs, alt.Sub...)
			} else {
				subs = append(subs, alt)
			}
			subs = append(subs, re.Sub[at+1:]...)
			piece := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: subs}
			var ok bool
			if out, ok = splitPieces(piece, out); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

// stripCaptures replaces capture groups by what they hold: a gate only
// asks whether a piece matches, and pieces would otherwise renumber them.
func stripCaptures(re *syntax.Regexp) *syntax.Regexp {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	for i, sub := range re.Sub {
		re.Sub[i] = stripCaptures(sub)
	}
	return re
}

// progSize is the number of instructions regexp compiles re to.
func progSize(re *syntax.Regexp) int {
	prog, err := syntax.Compile(re)
	if err != nil {
		return maxBacktrack + 1
	}
	return len(prog.Inst)
}

// open reports whether some piece of the gate matches v; the pieces'
// prefilters see the lower-cased text as prefilter.mayMatch does.
func (g gate) open(s *Set, sc *scratch, v []byte) bool {
	for i := range g {
		b := &g[i]
		if b.pre.mayMatch(s.lits, sc.tk.buf, sc.tk.longS, &sc.lits) && b.re.Match(v) {
			return true
		}
	}
	return false
}

// source writes re as a pattern. syntax.Regexp.String works out the
// fewest flags to write by folding every rune of every character class,
// which for a class such as [^.!?\n] (a million runes) took a tenth of a
// second per piece; so each class is written here, explicitly, and the
// rest by String around a placeholder rune that has no case.
func source(re *syntax.Regexp) (string, bool) {
	var classes []string
	var swap func(re *syntax.Regexp) *syntax.Regexp
	swap = func(re *syntax.Regexp) *syntax.Regexp {
		if re.Op == syntax.OpCharClass {
			classes = append(classes, writeClass(re.Rune))
			return &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{placeholder + rune(len(classes)-1)}}
		}
		cp := *re
		cp.Sub = make([]*syntax.Regexp, len(re.Sub))
		for i, sub := range re.Sub {
			cp.Sub[i] = swap(sub)
		}
		return &cp
	}
	src := swap(re).String()
	if len(classes) > maxPlaceholders {
		return "", false
	}
	for i, class := range classes {
		mark := fmt.Sprintf(`\x{%x}`, placeholder+rune(i))
		if strings.Count(src, mark) != 1 {
			return "", false
		}
		src = strings.Replace(src, mark, class, 1)
	}
	return src, true
}

// placeholder starts the private-use runes that stand for classes in
// source; no pattern a rule writes is expected to hold one, and source
// gives up if the written text holds one more than once.
const (
	placeholder     = '\U000F0000'
	maxPlaceholders = 0xFFFD
)

// writeClass writes a class's ranges with every rune escaped.
func writeClass(ranges []rune) string {
	if len(ranges) == 0 {
		return `[^\x00-\x{10FFFF}]`
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i+1 < len(ranges); i += 2 {
		fmt.Fprintf(&b, `\x{%x}`, ranges[i])
		if ranges[i+1] != ranges[i] {
			fmt.Fprintf(&b, `-\x{%x}`, ranges[i+1])
		}
	}
	b.WriteByte(']')
	return b.String()
}
