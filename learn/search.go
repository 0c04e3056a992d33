package learn

import (
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
// read whole (every class in it is a candidate), or it only adds to the
// candidates that the lists read before it found, or it is left out (see
// plan). A candidate's score is the float32 sum, rarest term first, of
// BM25's weights of the terms it counts. Search returns the top k of the
// candidates by that score, exactly, but stops making candidates, and
// drops those it has, as soon as the terms left cannot lift them into the
// top k (see top).
//
// The lists are of classes of requests that score the same (see Index),
// and so are the candidates: Search finds the k best classes, by score
// and then by the latest request each stands for (other than skip), and
// takes the hits from their requests, and from the requests that hold a
// query term first, which are scored on their own (see expand).
func (x *Index) Search(text string, k int, skip int64) []Hit {
	return x.searchTerms(terms(text), k, skip)
}

// searchTerms is Search of a text whose terms are q, which it sorts.
func (x *Index) searchTerms(q []string, k int, skip int64) []Hit {
	if k <= 0 || len(q) == 0 {
		return nil
	}
	slices.Sort(q)
	q = slices.Compact(q)
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := len(x.reqs)
	if n == 0 {
		return nil
	}
	s, _ := x.scratch.Get().(*search)
	if s == nil {
		s = &search{}
	}
	defer x.scratch.Put(s)
	avg := float64(x.total) / float64(n)
	if avg == 0 {
		avg = 1
	}
	s.terms = s.terms[:0]
	for _, t := range q {
		if k, ok := x.ids[t]; ok {
			p := &x.post[k]
			df := float64(p.df)
			idf := math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
			qt := qterm{p: p, idf: idf}
			if len(p.doc) > 0 {
				qt.ub = float64(bm25Weight(idf, float64(p.maxTF), bm25Norm(p.minLen, avg)))
			}
			s.terms = append(s.terms, qt)
		}
	}
	// Rare terms first: they say the most and have the shortest lists.
	slices.SortStableFunc(s.terms, func(a, b qterm) int { return int(a.p.df - b.p.df) })
	s.exclude(x, skip)
	s.plan(len(x.lens), x.budget)
	s.k, s.best, s.seeded = k, s.best[:0], s.seeded[:0]
	return s.top(x, k, avg)
}

// search is one Search's working memory, pooled in its Index.
type search struct {
	k int // how many hits the search returns
	// terms are the query's terms that the index holds, rarest first: the
	// order in which a score adds up. The plan leaves in terms those
	// that add to some class's score, and in all those it keeps.
	terms, all []qterm
	// skip is the request looked up, and firsts the other requests that
	// hold a query term first (see postings): neither is a member of its
	// class in this search, and firsts are scored on their own (see
	// scoreFirst). dead are the classes that have no other members, in
	// order, and reps the classes whose latest request is one of them,
	// with their latest other member (-1 for a dead class).
	skip   int64
	firsts []firstHolder
	dead   []uint32
	reps   []classRep
	// ranked holds the best classes as top picks them, and hits the best
	// requests as expand picks them.
	ranked, hits []ranked
	// seen is a bit per document, clear between searches, for counting
	// the plan's candidates when its choice depends on the exact count.
	seen []uint64
	// score is each candidate's score so far, one float per document,
	// zero for the others and clear between searches; touched lists the
	// candidates.
	score   []float32
	touched []uint32
	// norms[l] is BM25's length norm of a request of l terms, and once[l]
	// the weight of a term that occurs once in it, for the term being
	// read (see read).
	norms []float64
	once  []float32
	// kth holds the best scores while top works out the k-th, and best
	// the candidates that seed scores.
	kth  []float32
	best []uint32
	// seeded is the last candidates seed scored, in document order, and
	// spare a buffer for the next.
	seeded, spare []uint32
}

// qterm is one query term of a search: its list, its weight, and what the
// plan made of it.
type qterm struct {
	p   *postings
	idf float64
	// ub is the highest weight the term has in any document of its list.
	ub float64
	// read: the plan reads the term's list whole, so every document in it
	// is a candidate. Otherwise the term only adds to the candidates that
	// the read terms before it found.
	read bool
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
// Candidates are the classes of the lists read whole, other than those
// the search leaves no request of (s.dead). choose needs their number only where its choice
// depends on it: the plan keeps bounds on it (the longest of those lists,
// and their lengths' sum), and counts it exactly, with a bit per
// document, only when the choice differs between the two.
func (s *search) plan(n, budget int) {
	lo, hi := 0, 0         // bounds on the number of candidates
	counted, cands := 0, 0 // kept[:counted] are marked in seen, cands bits set
	kept := s.terms[:0]
	s.all = s.all[:0]
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
		for _, d := range s.dead {
			if _, ok := slices.BinarySearch(t.p.doc, d); ok {
				own--
			}
		}
		if what == readWhole {
			lo, hi = max(lo, own), hi+own
			t.read = true
		}
		s.all = append(s.all, t)
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

// mark sets the bits of the classes of docs other than the dead ones,
// and returns how many were clear.
func (s *search) mark(docs []uint32) int {
	added := 0
	for _, d := range docs {
		if slices.Contains(s.dead, d) {
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

// maxTabled is the longest request length the weight tables cover; a
// search over longer requests computes each weight as it goes.
const maxTabled = 4096

// top returns the k best requests of the plan's terms: the k best
// classes, adding the terms up rarest first, one list at a time, in a
// float per class, expanded to their requests (see expand).
//
// Each term has a bound (qterm.ub), and the terms after one can add at
// most their bounds' sum to any document. Once that sum is under the k-th
// best score so far, a document that is not a candidate yet cannot enter
// the top k, as scores only grow: the read terms left stop making
// candidates, and only add to those that could still enter. Those are
// the candidates whose score and the sum together reach the k-th best;
// the others are dropped then, and again after each term. The terms left
// are then probed for each candidate, or their lists read for the
// candidates only, whichever is cheaper. This is what spares a lookup
// the longest lists, of the words most requests use (a ticket's "ref"):
// they come last.
//
// The k-th best of the partial scores passes the bounds of the terms
// left only late when many requests hold all of the rarest terms (a team
// that asks the same things often): after each list read whole, the k
// best candidates read so far are also scored to the end (see seed), and
// the k-th best of those final scores is a floor too, often the k-th
// best Search returns, as soon as one rare term is read.
func (s *search) top(x *Index, k int, avg float64) []Hit {
	n := len(x.lens)
	if len(s.score) < n {
		s.score = make([]float32, n+n/4)
	}
	tabled := x.longest <= maxTabled
	s.norms = s.norms[:0]
	if tabled {
		for l := range int(x.longest) + 1 {
			s.norms = append(s.norms, bm25Norm(uint16(l), avg))
		}
	}
	norm := func(d uint32) float64 {
		if tabled {
			return s.norms[x.lens[d]]
		}
		return bm25Norm(x.lens[d], avg)
	}
	rest := 0.0 // the bounds' sum of the terms not added yet
	for _, t := range s.terms {
		rest += t.ub
	}
	// A score is a float32 sum, rounded at each addition; a bound is a
	// float64 sum. Scaling the bound by margin covers the rounding: a
	// document is dropped only when its score is certainly under the
	// k-th best.
	margin := 1 + float64(len(s.terms)+2)*0x1p-22
	open := true          // read terms still make candidates
	sorted := false       // touched is in document order
	added := 0.0          // the bounds' sum of the terms added: no score is above it
	floor := math.Inf(-1) // under the k-th best score Search returns
	// tie is, when it is not -1, the document of a request whose final
	// score is floor and which is not above the k-th best hit: a
	// candidate that can at most tie with floor and is older (in an
	// index added to in id order) cannot be a hit (see prune).
	tie := -1
	low := 0.0           // under every candidate's score, once no term makes candidates
	wait, waited := 0, 0 // terms to go before the next pass, and the last wait
	for j, t := range s.terms {
		rest -= t.ub
		added += t.ub
		p := t.p
		switch probes := len(s.touched) * bits.Len(uint(len(p.doc))); {
		case t.read && open:
			s.read(x, &t, norm, tabled, true)
			sorted = false
			if rest*margin >= floor {
				f, d := s.seed(x, s.terms[j+1:], rest, norm)
				floor, tie = raise(floor, tie, f, d)
			}
		case probes < len(p.doc):
			// In document order, each probe starts where the last one
			// ended; sorting costs less than the probes.
			if !sorted {
				slices.Sort(s.touched)
				sorted = true
			}
			at := 0
			for _, d := range s.touched {
				i, ok := find(p.doc, at, d)
				if ok {
					s.score[d] += bm25Weight(t.idf, float64(p.tf[i]), norm(d))
				}
				at = i
			}
		default:
			// The candidates' scores are not zero, and only theirs.
			s.read(x, &t, norm, tabled, false)
		}
		if j == len(s.terms)-1 {
			break // the hits are picked from the candidates in one pass anyway
		}
		if open {
			// The k-th best is worked out only when it could pass rest.
			if added > rest && rest*margin >= floor {
				floor, tie = raise(floor, tie, s.kthBest(k), -1)
			}
			if rest*margin >= floor {
				continue
			}
			open = false
		} else if (low+rest)*margin >= floor {
			// No candidate can be dropped: a pass over candidates that
			// all stay costs as much as reading a list.
			continue
		} else if wait > 0 && len(s.terms[j+1].p.doc) <= len(s.touched) {
			// Put off (see below), unless the next list is longer than
			// the pass: fewer candidates may let the next term probe
			// them instead of reading its list.
			wait--
			continue
		}
		before := len(s.touched)
		// Pruning finds a k-th best that may drop more: the next term's
		// cost depends on how many candidates are left.
		for {
			var kth float64
			low, kth = s.prune(x, s.terms[j+1:], norm, rest, margin, floor, tie)
			again := kth > floor && (low+rest)*margin < kth
			floor, tie = raise(floor, tie, kth, -1)
			if !again {
				break
			}
		}
		// A pass that kept most candidates is put off for the next
		// term, then two, four...: when the scores spread (many rare
		// terms, each in a few requests) most passes drop little, and
		// a list read for the candidates needs none.
		if 2*len(s.touched) > before {
			waited = max(1, 2*waited)
			wait = waited
		} else {
			waited = 0
		}
	}
	top := s.ranked[:0]
	for _, d := range s.touched {
		sc := s.score[d]
		s.score[d] = 0
		// Most candidates are under the k-th class so far: their
		// requests, one cache miss each in a large index, are not read.
		if len(top) == k && float64(sc) < top[k-1].Score {
			continue
		}
		top = insert(top, k, ranked{Hit{s.rep(x, d), float64(sc)}, d})
	}
	s.touched = s.touched[:0]
	hits := s.expand(x, top, avg)
	s.ranked = top[:0]
	return hits
}

// read adds term t to the score of each class in its list, other than
// the dead ones: to every one, making each a candidate, when
// fresh is set, and only to the candidates otherwise.
func (s *search) read(x *Index, t *qterm, norm func(uint32) float64, tabled, fresh bool) {
	docs, tfs := t.p.doc, t.p.tf
	// Reading whole lists is most of a search: the weight of a term
	// that occurs once comes from a table when the list is long enough
	// to pay for it.
	once := s.once[:0]
	if tabled && len(docs) >= 2*len(s.norms) {
		for _, norm := range s.norms {
			once = append(once, bm25Weight(t.idf, 1, norm))
		}
	}
	s.once = once
	// The dead classes are split off once rather than checked for at
	// each posting; they are no candidates, so only fresh needs it.
	for i := len(s.dead) - 1; fresh && i >= 0; i-- {
		if j, ok := slices.BinarySearch(docs, s.dead[i]); ok {
			s.readRange(x, t.idf, docs[j+1:], tfs[j+1:], once, norm, fresh)
			docs, tfs = docs[:j], tfs[:j]
		}
	}
	s.readRange(x, t.idf, docs, tfs, once, norm, fresh)
}

// readRange is read over part of a list, its latest documents first: of
// the candidates that tie, the latest are the ones s.best keeps (see
// note), as they are the ones that win a tie, and so seed's floor is one
// that most of the others can be dropped under (see prune).
func (s *search) readRange(x *Index, idf float64, docs []uint32, tfs []uint8, once []float32, norm func(uint32) float64, fresh bool) {
	sc, lens := s.score, x.lens
	tfs = tfs[:len(docs)]
	cut := s.cut()
	for i := len(docs) - 1; i >= 0; i-- {
		d := docs[i]
		v := sc[d]
		if v == 0 {
			if !fresh {
				continue
			}
			s.touched = append(s.touched, d)
		}
		var w float32
		if tf := tfs[i]; tf == 1 && len(once) > 0 {
			w = once[lens[d]]
		} else {
			w = bm25Weight(idf, float64(tf), norm(d))
		}
		v += w
		sc[d] = v
		if fresh && v > cut {
			cut = s.note(d)
		}
	}
}

// note keeps d, whose score has just passed the k-th best of s.best,
// among s.best: the k candidates of the best scores that read has seen,
// best first. It returns the score a
// candidate must now pass to join them.
func (s *search) note(d uint32) float32 {
	if !slices.Contains(s.best, d) {
		s.best = append(s.best, d)
	}
	return s.cut()
}

// cut sorts s.best by score, best first, keeps the best k, and returns
// the score a candidate must pass to join them.
func (s *search) cut() float32 {
	best, sc := s.best, s.score
	for i := 1; i < len(best); i++ {
		for j := i; j > 0 && sc[best[j-1]] < sc[best[j]]; j-- {
			best[j-1], best[j] = best[j], best[j-1]
		}
	}
	s.best = best[:min(len(best), s.k)]
	if len(s.best) < s.k {
		return float32(math.Inf(-1))
	}
	return sc[s.best[s.k-1]]
}

// seed returns the k-th best of the final scores of the candidates in
// s.best, or -Inf when there are fewer than k: a floor under the k-th
// best score Search returns, as those candidates are k requests that it
// scores. The terms left are probed for each of them and added in the
// order top adds them, so that each final score is the float the search
// ends with. It is what lets a search stop making candidates before the
// partial scores' k-th best passes the bounds of the terms left, which
// can take all but the last few terms when many requests hold all of
// the query's rarest words.
//
// It also returns the oldest of the candidates whose final score is the
// floor, when a later class stands for a later request (see
// Index.unordered), or -1: as a tie goes to the later request, a class
// older than it that can at most tie with the floor has no hit.
func (s *search) seed(x *Index, left []qterm, rest float64, norm func(uint32) float64) (float64, int) {
	if len(s.best) < s.k {
		return math.Inf(-1), -1
	}
	// The same candidates give the same floor: their final scores do
	// not depend on when they are worked out, and probing the lists left
	// for them is most of what a seed costs.
	now := append(s.spare[:0], s.best...)
	slices.Sort(now)
	if slices.Equal(now, s.seeded) {
		return math.Inf(-1), -1
	}
	s.seeded, s.spare = now, s.seeded
	low, tie := float32(math.Inf(1)), -1
	for _, d := range s.best {
		v := s.score[d]
		// The floor is their lowest final score: once one cannot pass
		// rest, the bounds of the terms left, the floor cannot stop the
		// search making candidates, and the probes left, each a binary
		// search in a long list that is seldom in the cache, are not
		// worth it (on bench/learn's Zipf texts most requests hold few
		// of the terms left).
		bound := float64(v) + rest
		for _, t := range left {
			if i, ok := slices.BinarySearch(t.p.doc, d); ok {
				v += bm25Weight(t.idf, float64(t.p.tf[i]), norm(d))
			} else if bound -= t.ub; bound <= rest {
				return math.Inf(-1), -1
			}
		}
		if v < low || v == low && int(d) < tie {
			low, tie = v, int(d)
		}
	}
	if x.unordered {
		tie = -1
	}
	return float64(low), tie
}

// raise returns the higher of two floors, floor and f, with what tie
// (see top) the higher one comes with: d for f, -1 when f has none.
// Two equal floors keep the later tie, as each is one.
func raise(floor float64, tie int, f float64, d int) (float64, int) {
	switch {
	case f > floor:
		return f, d
	case f == floor:
		return floor, max(tie, d)
	}
	return floor, tie
}

// prune drops the candidates whose score and rest together cannot reach
// floor (see top), and returns the lowest score of those kept and their
// k-th best (as kthBest), in one pass.
//
// When tie is set (see seed), it also drops each candidate left, of
// tie's score so far, whose score cannot pass floor with the terms left
// added in the order top adds them, each at its largest count (or the
// candidate's own count, for a word some request repeats) in a request
// of the candidate's length: a float sum only grows with what it adds,
// so this bound is exact, where rest is a float64 sum over the shortest
// requests scaled by a margin. A candidate that reaches floor only to tie
// is dropped too when older than tie. On repeated asks these are most of
// the candidates that hold every word of the query: they tie with the
// hits, which are the latest of them.
func (s *search) prune(x *Index, left []qterm, norm func(uint32) float64, rest, margin, floor float64, tie int) (low, kth float64) {
	// A score under need cannot reach floor: the test of top, solved
	// for the score and moved down by far more than its rounding, so
	// that nothing the test keeps is dropped.
	need := floor/margin - rest
	need -= math.Abs(need) * 0x1p-30
	low = math.Inf(1)
	best := s.kth[:0]
	k, f32 := s.k, float32(floor)
	cut := float32(math.Inf(-1)) // a score must pass it to be among best
	kept := s.touched[:0]
	sc := s.score
	tv := float32(-1) // no candidate's score
	if tie >= 0 {
		tv = sc[tie]
	}
	for _, d := range s.touched {
		v := sc[d]
		if float64(v) < need {
			sc[d] = 0
			continue
		}
		// The tie test costs a weight, or a binary search, for each term
		// left: it is only made for the candidates whose score so far is
		// tie's, those that tie with it when the terms left are the same
		// in both (on repeated asks, most of them). On varied texts
		// (bench/learn's) testing all made a lookup 13% slower.
		if v == tv && cannotPass(left, d, v, norm(d), f32, int(d) < tie) {
			sc[d] = 0
			continue
		}
		kept = append(kept, d)
		if float64(v) < low {
			low = float64(v)
		}
		if v > cut {
			best = keepBest(best, k, v)
			if len(best) == k {
				cut = best[k-1]
			}
		}
	}
	s.touched, s.kth = kept, best
	if len(best) < k {
		return low, math.Inf(-1)
	}
	return low, float64(best[k-1])
}

// cannotPass reports whether the score v of candidate d, of length norm
// norm, with the terms left added at their largest count, stays under
// floor, or reaches it only to tie when older is set.
func cannotPass(left []qterm, d uint32, v float32, norm float64, floor float32, older bool) bool {
	for _, t := range left {
		tf := t.p.maxTF
		if tf > 1 {
			// A word that a few requests repeat would keep every
			// candidate that might hold it: d's own count is looked up.
			i, ok := slices.BinarySearch(t.p.doc, d)
			if !ok {
				continue
			}
			tf = t.p.tf[i]
		}
		if v += bm25Weight(t.idf, float64(tf), norm); v > floor {
			return false // a float sum only grows
		}
	}
	return v < floor || v == floor && older
}

// kthBest is the k-th best score of the candidates, or -Inf when there
// are fewer than k: a floor under the k-th best score Search returns, as
// scores only grow and each candidate stands for a request.
func (s *search) kthBest(k int) float64 {
	kth := s.kth[:0]
	for _, d := range s.touched {
		if v := s.score[d]; len(kth) < k || v > kth[k-1] {
			kth = keepBest(kth, k, v)
		}
	}
	s.kth = kth
	if len(kth) < k {
		return math.Inf(-1)
	}
	return float64(kth[k-1])
}

// keepBest adds v to kth, the best scores so far, best first, keeping k.
func keepBest(kth []float32, k int, v float32) []float32 {
	i := len(kth)
	kth = append(kth, 0)
	for i > 0 && kth[i-1] < v {
		kth[i] = kth[i-1]
		i--
	}
	kth[i] = v
	return kth[:min(len(kth), k)]
}

// find is where d is, or would be, in docs, from at on: galloping, then
// a binary search.
func find(docs []uint32, at int, d uint32) (int, bool) {
	lo, n := at, 1
	for lo+n < len(docs) && docs[lo+n] < d {
		lo += n + 1
		n *= 2
	}
	i, _ := slices.BinarySearch(docs[lo:min(lo+n, len(docs))], d)
	lo += i
	return lo, lo < len(docs) && docs[lo] == d
}

// ranked is a hit and the class it comes from.
type ranked struct {
	Hit
	doc uint32
}

// insert adds h to top, the best up to k so far, best first, ties to the
// later request.
func insert(top []ranked, k int, h ranked) []ranked {
	if h.Score <= 0 {
		return top
	}
	if len(top) == k && (h.Score < top[k-1].Score || h.Score == top[k-1].Score && h.ID < top[k-1].ID) {
		return top
	}
	i := len(top)
	top = append(top, ranked{})
	for i > 0 && (top[i-1].Score < h.Score || top[i-1].Score == h.Score && top[i-1].ID < h.ID) {
		top[i] = top[i-1]
		i--
	}
	top[i] = h
	if len(top) > k {
		top = top[:k]
	}
	return top
}
