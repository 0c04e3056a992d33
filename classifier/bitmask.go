package classifier

import "slices"

// bitMask is a sparse set of bit positions in a []uint64 (the literals a
// prefilter's OR needs, the terms of a rule's any list): the words it
// touches and their bits, so that asking whether a text has one or all of
// them costs a few word operations however many there are.
type bitMask []maskWord

type maskWord struct {
	i    int32 // index of the word
	bits uint64
}

// maskOf returns the mask of ids.
func maskOf(ids []int32) bitMask {
	var m bitMask
	for _, id := range ids {
		i, bit := id/64, uint64(1)<<(id%64)
		if k := slices.IndexFunc(m, func(w maskWord) bool { return w.i == i }); k >= 0 {
			m[k].bits |= bit
		} else {
			m = append(m, maskWord{i, bit})
		}
	}
	slices.SortFunc(m, func(a, b maskWord) int { return int(a.i - b.i) })
	return m
}

// any reports whether set has one of m's bits.
func (m bitMask) any(set []uint64) bool {
	for _, w := range m {
		if set[w.i]&w.bits != 0 {
			return true
		}
	}
	return false
}

// all reports whether set has every one of m's bits.
func (m bitMask) all(set []uint64) bool {
	for _, w := range m {
		if set[w.i]&w.bits != w.bits {
			return false
		}
	}
	return true
}
