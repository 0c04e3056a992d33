package learn

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// Search returns up to k requests most similar to text, best first, leaving
// out skip (the request being looked up, when it is indexed already). Ties
// go to the later request.
//
// The query's terms are taken rarest first (ties in alphabetical order),
// and a plan within searchBudget decides what each one does: its list is
// read whole (every request in it is a candidate), or it only adds to the
// candidates that the lists read before it found, or it is left out (see
// plan). A candidate's score is the float32 sum, rarest term first, of
// BM25's weights of the terms it counts. Search returns the top k of the
// candidates by that score, exactly, but without scoring every candidate:
// it walks the lists from the latest request back and passes over the
// requests whose bound says they cannot enter the top k (see top).
func (x *Index) Search(text string, k int, skip int64) []Hit {
	q := terms(text)
	if k <= 0 || len(q) == 0 {
		return nil
	}
	slices.Sort(q)
	q = slices.Compact(q)
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := len(x.docs)
	if n == 0 {
		return nil
	}
	s, _ := x.scratch.Get().(*search)
	if s == nil {
		s = &search{}
	}
	defer x.scratch.Put(s)
	s.avg = float64(x.total) / float64(n)
	if s.avg == 0 {
		s.avg = 1
	}
	s.normOK = false
	s.terms = s.terms[:0]
	for _, t := range q {
		if k, ok := x.ids[t]; ok {
			p := &x.post[k]
			df := float64(len(p.doc))
			idf := math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
			s.terms = append(s.terms, qterm{
				p: p, idf: idf, i: len(p.doc) - 1,
				ub: float64(bm25Weight(idf, float64(p.maxTF), bm25Norm(p.minLen, s.avg))),
			})
		}
	}
	// Rare terms first: they say the most and have the shortest lists.
	slices.SortStableFunc(s.terms, func(a, b qterm) int { return len(a.p.doc) - len(b.p.doc) })
	// The request looked up is indexed already, and its own words are the
	// rarest: it must not be a candidate, or a request with one word
	// nobody used before would find only itself.
	s.skipDoc = -1
	if i, ok := slices.BinarySearch(x.docs, skip); ok {
		s.skipDoc = i
	}
	s.plan(n, x.budget)
	return s.top(x, k, skip)
}

// search is one Search's working memory, pooled in its Index.
type search struct {
	avg float64 // terms per request, on average
	// normLen's length norm is normOf, when normOK.
	normOK  bool
	normLen uint16
	normOf  float64
	skipDoc int // the document of the request looked up, or -1
	// terms are the query's terms that the index holds, rarest first: the
	// order in which a score adds up.
	terms []qterm
	// byBound holds the read terms, lowest bound first: the order in which
	// they stop being essential.
	byBound []int
	// probes holds every term, highest bound first: the order in which a
	// candidate's other terms are looked up, so that one that cannot
	// make it is passed over soonest.
	probes []int
	// seen is a bit per document, clear between searches, for counting
	// the plan's candidates when its choice depends on the exact count.
	seen []uint64
}

// qterm is one query term of a search: its list, its weight, what the plan
// made of it, and where the search stands in its list.
type qterm struct {
	p   *postings
	idf float64
	// ub is the highest weight the term has in any document of its list.
	ub float64
	// read: the plan reads the term's list whole, so every document in it
	// is a candidate. Otherwise the term only adds to the candidates that
	// a read term before it found.
	read bool
	// essential: candidates are drawn from the term's list. A read term
	// stops being essential once the terms that are not could not, all
	// together, lift a document into the top k (MaxScore).
	essential bool
	// required: a document without the term cannot enter the top k.
	required bool
	// i is the term's cursor: p.doc[i] is the latest document of the list
	// not yet passed, and -1 means none is left.
	i int
	// has says whether the document being looked at holds the term.
	has bool
	// memo is the last weight computed (memoOK), for a count and a length:
	// the requests that tie, and need scoring in full, are usually the
	// same length.
	memoOK  bool
	memoTF  uint8
	memoLen uint16
	memo    float32
}

// weight is the term's weight in the document at its cursor, of l terms.
func (t *qterm) weight(l uint16, s *search) float32 {
	tf := t.p.tf[t.i]
	if !t.memoOK || t.memoTF != tf || t.memoLen != l {
		t.memoOK, t.memoTF, t.memoLen = true, tf, l
		t.memo = bm25Weight(t.idf, float64(tf), s.norm(l))
	}
	return t.memo
}

// norm is BM25's length norm of a request of l terms.
func (s *search) norm(l uint16) float64 {
	if !s.normOK || s.normLen != l {
		s.normOK, s.normLen, s.normOf = true, l, bm25Norm(l, s.avg)
	}
	return s.normOf
}

// cur is the document at the term's cursor, or -1 when none is left.
func (t *qterm) cur() int {
	if t.i < 0 {
		return -1
	}
	return int(t.p.doc[t.i])
}

// seek moves the term's cursor back to the latest document at or before
// d.
func (t *qterm) seek(d int) {
	if t.i >= 0 && int(t.p.doc[t.i]) > d {
		t.gallop(d)
	}
}

// gallop is seek once the cursor is past d: galloping back, then a
// binary search, as a search's documents only ever go back.
func (t *qterm) gallop(d int) {
	doc := t.p.doc
	hi := t.i // doc[hi] > d
	lo := hi - 1
	for step := 1; lo >= 0 && int(doc[lo]) > d; step *= 2 {
		hi = lo
		lo = hi - 2*step
	}
	lo = max(lo, -1) // doc[lo] <= d, or lo is before the list
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if int(doc[m]) <= d {
			lo = m
		} else {
			hi = m
		}
	}
	t.i = lo
}

// step is what the plan does with a term.
type step int

const (
	leaveOut step = iota
	readWhole
	probeOnly
)

// choose is the plan's rule for a term of scan postings when the terms
// read before it found cands candidates and budget postings are left:
// read the list whole until some term finds a candidate, so that a request
// of only common words still finds some; afterwards read it whole when
// that costs no more than a binary search in it per candidate, or probe it
// for each candidate, when that is cheaper; and leave it out when what
// it would cost is over the budget. It also returns that cost.
func choose(scan, cands, budget int) (step, int) {
	probe := cands * bits.Len(uint(scan))
	switch {
	case cands == 0 || scan <= probe && scan <= budget:
		return readWhole, scan
	case probe < scan && probe <= budget:
		return probeOnly, probe
	}
	return leaveOut, 0
}

// plan goes through the terms rarest first and decides, by choose, which
// lists are read whole and which only probed for the candidates, and drops
// the terms left out. This keeps a search within searchBudget postings:
// a term left out is a common one (its list is longer than the budget
// the rarer ones left), so its BM25 weight is small, but it is what can
// make Search's hits differ from an exhaustive BM25 top k over an index
// of many requests, as can a probed term, which adds nothing to requests
// that only it (or a term read after it) holds.
//
// Candidates are the documents of the lists read whole, other than the
// one looked up. choose needs their number only where its choice
// depends on it: the plan keeps bounds on it (the longest of those lists,
// and their lengths' sum), and counts it exactly, with a bit per
// document, only when the choice differs between the two.
func (s *search) plan(n, budget int) {
	lo, hi := 0, 0         // bounds on the number of candidates
	counted, cands := 0, 0 // kept[:counted] are marked in seen, cands bits set
	kept := s.terms[:0]
	for _, t := range s.terms {
		scan := len(t.p.doc)
		what, cost := choose(scan, lo, budget)
		if w, c := choose(scan, hi, budget); w != what || c != cost {
			words := (n + 63) / 64
			if len(s.seen) < words {
				s.seen = make([]uint64, words+words/4)
			}
			for _, r := range kept[counted:] {
				if r.read {
					cands += s.mark(r.p.doc)
				}
			}
			counted = len(kept)
			lo, hi = cands, cands
			what, cost = choose(scan, cands, budget)
		}
		budget -= cost
		if what == leaveOut {
			continue
		}
		own := scan
		if _, ok := slices.BinarySearch(t.p.doc, uint32(s.skipDoc)); ok && s.skipDoc >= 0 {
			own--
		}
		if what == readWhole {
			lo, hi = max(lo, own), hi+own
			t.read = true
		}
		// A term only the request looked up holds (its ticket number,
		// say) adds to no candidate, but its bound would keep every
		// other term essential.
		if own > 0 {
			kept = append(kept, t)
		}
	}
	for _, r := range kept[:counted] {
		if r.read {
			for _, d := range r.p.doc {
				s.seen[d>>6] = 0
			}
		}
	}
	s.terms = kept
}

// mark sets the bits of docs' documents other than the one looked up, and
// returns how many were clear.
func (s *search) mark(docs []uint32) int {
	added := 0
	for _, d := range docs {
		if int(d) == s.skipDoc {
			continue
		}
		w, b := &s.seen[d>>6], uint64(1)<<(d&63)
		if *w&b == 0 {
			*w |= b
			added++
		}
	}
	return added
}

// top returns the k best candidates of the plan's terms. It walks the
// documents from the latest back, document at a time. Once it holds k
// hits, the k-th score is a threshold, and a document passes it only if
// its score could beat it: the terms' bounds (qterm.ub) then make some
// read terms not essential (MaxScore: a document that only they and the
// probed terms could hold is not a candidate worth scoring), a
// candidate's other terms are looked up highest bound first until its
// bound falls under the threshold, and a candidate without a required
// term sends every list back to that term's previous document. A
// document is scored only when it could enter, with the same sum as
// without any of this.
func (s *search) top(x *Index, k int, skip int64) []Hit {
	ts := s.terms
	if len(ts) == 0 {
		return nil
	}
	s.byBound, s.probes = s.byBound[:0], s.probes[:0]
	total := 0.0 // the bounds' sum
	rest := 0.0  // the sum of the bounds of the terms not essential
	for j := range ts {
		t := &ts[j]
		t.essential, t.required = t.read, false
		total += t.ub
		if t.read {
			s.byBound = append(s.byBound, j)
		} else {
			rest += t.ub
		}
		s.probes = append(s.probes, j)
	}
	slices.SortStableFunc(s.byBound, func(a, b int) int { return cmp.Compare(ts[a].ub, ts[b].ub) })
	slices.SortStableFunc(s.probes, func(a, b int) int { return cmp.Compare(ts[b].ub, ts[a].ub) })
	// A score is a float32 sum, rounded at each addition, of float32
	// weights; a bound is a float64 sum of weights or bounds. Scaling the
	// bound by margin covers the rounding: a document is passed over only
	// when its score is certainly under the threshold.
	margin := 1 + float64(len(ts)+2)*0x1p-22
	theta := math.Inf(-1)
	lazy := 0 // byBound[:lazy] are not essential
	top := make([]Hit, 0, k+1)
	for {
		d := -1 // the latest document left in an essential list
		for _, j := range s.byBound[lazy:] {
			d = max(d, ts[j].cur())
		}
		if d < 0 {
			break
		}
		next := d - 1 // where the essential lists go on from
		if d != s.skipDoc && (!x.repeats || x.docs[d] != skip) {
			// The bound adds the terms' bounds, which cost nothing to
			// work out: a candidate's weights are worked out only once
			// it could enter.
			bound, fits := rest, true
			for _, j := range s.byBound[lazy:] {
				t := &ts[j]
				if t.has = t.cur() == d; t.has {
					bound += t.ub
				} else if t.required {
					next, fits = min(next, t.cur()), false
				}
			}
			for _, j := range s.probes {
				if !fits || bound*margin < theta {
					fits = false
					break
				}
				t := &ts[j]
				if t.essential {
					continue
				}
				t.seek(d)
				if t.has = t.cur() == d; !t.has {
					bound -= t.ub
					if t.required {
						next, fits = min(next, t.cur()), false
					}
				}
			}
			if fits && bound*margin >= theta {
				top = insert(top, k, x.docs[d], s.score(x.lens[d]))
				if len(top) == k && top[k-1].Score > theta {
					theta = top[k-1].Score
					for j := range ts {
						ts[j].required = (total-ts[j].ub)*margin < theta
					}
					for lazy < len(s.byBound) {
						t := &ts[s.byBound[lazy]]
						if (rest+t.ub)*margin >= theta {
							break
						}
						rest += t.ub
						t.essential = false
						lazy++
					}
				}
			}
		}
		if next < 0 {
			break
		}
		for _, j := range s.byBound[lazy:] {
			ts[j].seek(next)
		}
	}
	return top
}

// score is the score of a document of l terms, whose terms' has are set:
// the weights of the read terms it holds and of the probed ones after the
// first of those, added up in the terms' order.
func (s *search) score(l uint16) float32 {
	ts := s.terms
	first := len(ts)
	for j := range ts {
		if ts[j].read && ts[j].has {
			first = j
			break
		}
	}
	var sum float32
	for j := range ts {
		if t := &ts[j]; t.has && (t.read || j > first) {
			sum += t.weight(l, s)
		}
	}
	return sum
}

// insert adds request id, of score s, to top, the best up to k hits so
// far, best first, ties to the later request.
func insert(top []Hit, k int, id int64, s32 float32) []Hit {
	s := float64(s32)
	if s <= 0 {
		return top
	}
	if len(top) == k && (s < top[k-1].Score || s == top[k-1].Score && id < top[k-1].ID) {
		return top
	}
	i := len(top)
	top = append(top, Hit{})
	for i > 0 && (top[i-1].Score < s || top[i-1].Score == s && top[i-1].ID < id) {
		top[i] = top[i-1]
		i--
	}
	top[i] = Hit{ID: id, Score: s}
	if len(top) > k {
		top = top[:k]
	}
	return top
}
