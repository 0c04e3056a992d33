package classifier

import (
	"bytes"
	"slices"
)

// litScanner finds which of a rule set's prefilter literals occur in a
// text in one pass: an Aho-Corasick automaton, compiled into a DFA over
// the byte classes of the literals. It replaced a substring search per
// literal a text's prefilters asked about (about 35 per text with the
// example rules).
//
// It is written here rather than taken from a library because none of the
// Go modules served fits what is needed, which is the set of literals
// present, as bits, without allocating. Measured on the example rules' 357
// literals and generated requests (one run, 2 CPUs, loaded):
// github.com/coregx/ahocorasick v0.3.1, the only tagged and maintained
// one, reports overlapping matches only as a []Match it allocates per
// call (5 allocations a text), and cost about what the lazy searches did;
// github.com/cloudflare/ahocorasick (untagged, last change 2024) was as
// slow and allocates too; github.com/petar-dambovaliev/aho-corasick
// (untagged) and github.com/BobuSumisu/aho-corasick v1.0.3 were 2.5 times
// slower still, with 46 to 112 allocations a text.
//
// A litScanner is immutable once built and safe for concurrent use.
type litScanner struct {
	class  [256]uint16 // byte -> class; 0 is every byte no literal has
	stride int32       // classes per state
	// next is the DFA: next[state*stride+class] is the state after a byte.
	next []int32
	// out[outAt[s]:outAt[s+1]] are the literals that end at state s,
	// along its whole chain of suffixes.
	outAt []int32
	out   []int32
	// always are literals every text holds (the empty one).
	always []int32
}

// newLitScanner builds the scanner of lits.
func newLitScanner(lits [][]byte) *litScanner {
	sc := &litScanner{}
	stride := int32(1)
	for _, l := range lits {
		for _, c := range l {
			if sc.class[c] == 0 {
				sc.class[c] = uint16(stride)
				stride++
			}
		}
	}
	sc.stride = stride

	// The trie, with -1 for a missing edge, sized once: it has a state
	// for each distinct prefix of the literals.
	trie := make([]int32, 0, trieStates(lits)*int(stride))
	missing := slices.Repeat([]int32{-1}, int(stride)) // a state's row before its edges
	newState := func() int32 {
		trie = append(trie, missing...)
		return int32(len(trie))/stride - 1
	}
	newState()
	ends := map[int32][]int32{}
	for id, l := range lits {
		if len(l) == 0 {
			sc.always = append(sc.always, int32(id))
			continue
		}
		s := int32(0)
		for _, c := range l {
			e := s*stride + int32(sc.class[c])
			if trie[e] < 0 {
				n := newState()
				trie[e] = n
			}
			s = trie[e]
		}
		ends[s] = append(ends[s], int32(id))
	}

	// Breadth first, each state's missing edges become its failure
	// state's, and its literals gain those of its failure state.
	states := int32(len(trie)) / stride
	fail := make([]int32, states)
	outs := make([][]int32, states)
	queue := make([]int32, 0, states)
	for k := range stride {
		if t := trie[k]; t > 0 {
			fail[t] = 0
			queue = append(queue, t)
		} else {
			trie[k] = 0
		}
	}
	outs[0] = ends[0]
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(append([]int32(nil), ends[s]...), outs[fail[s]]...)
		for k := range stride {
			e := s*stride + k
			if t := trie[e]; t >= 0 {
				fail[t] = trie[fail[s]*stride+k]
				queue = append(queue, t)
			} else {
				trie[e] = trie[fail[s]*stride+k]
			}
		}
	}
	sc.next = trie
	sc.outAt = make([]int32, states+1)
	for s := range states {
		sc.out = append(sc.out, outs[s]...)
		sc.outAt[s+1] = int32(len(sc.out))
	}
	return sc
}

// scan sets in found the bit of every literal that occurs in text.
func (sc *litScanner) scan(text []byte, found []uint64) {
	for _, id := range sc.always {
		found[id/64] |= 1 << (id % 64)
	}
	s := int32(0)
	next, class, stride, outAt, out := sc.next, &sc.class, sc.stride, sc.outAt, sc.out
	for _, c := range text {
		s = next[s*stride+int32(class[c])]
		if lo, hi := outAt[s], outAt[s+1]; lo < hi {
			for _, id := range out[lo:hi] {
				found[id/64] |= 1 << (id % 64)
			}
		}
	}
}

// trieStates counts the distinct prefixes of lits, the empty one included.
func trieStates(lits [][]byte) int {
	sorted := slices.SortedFunc(slices.Values(lits), bytes.Compare)
	n := 1
	for i, l := range sorted {
		common := 0
		if i > 0 {
			prev := sorted[i-1]
			for common < len(l) && common < len(prev) && l[common] == prev[common] {
				common++
			}
		}
		n += len(l) - common
	}
	return n
}
