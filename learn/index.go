package learn

import (
	"math"
	"math/bits"
	"slices"
	"sync"
)

// BM25's usual constants: how fast a term's weight saturates with its count
// in a request, and how much a long request is discounted.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// searchBudget is how many postings one search may read. Terms are taken
// rarest first; a term whose list no longer fits is left out. Such a term
// is common (its list is longer than all the rarer ones' together), so its
// BM25 weight is small, and leaving it out is what keeps a lookup over
// 500k requests in a few milliseconds.
const searchBudget = 150_000

// Index is a BM25 index over one team's request texts, in memory. Add and
// Search are safe for concurrent use; a Search sees every Add that returned
// before it started.
type Index struct {
	mu    sync.RWMutex
	ids   map[string]uint32 // term -> term number
	post  []postings        // by term number
	docs  []int64           // document number -> request id
	lens  []uint16          // document number -> terms counted
	total int64             // sum of lens
	// longest is the largest of lens: a search's weight tables have an
	// entry for each length up to it.
	longest uint16
	// scratch holds score accumulators, one float per document, reused
	// across searches so that a search allocates almost nothing.
	scratch sync.Pool
}

// postings are the documents holding a term, in the order they were added,
// with the term's count in each (capped at 255, far past where BM25
// saturates). Two arrays keep a posting at 5 bytes.
type postings struct {
	doc []uint32
	tf  []uint8
}

// Hit is a request found by Search and how well it matched.
type Hit struct {
	ID    int64
	Score float64
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{ids: map[string]uint32{}}
}

// Len returns how many requests the index holds.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.docs)
}

// Add indexes the text of request id. Requests are expected once each, in
// the order they were made; adding one twice makes it count twice.
func (x *Index) Add(id int64, text string) {
	ts := terms(text)
	counts := make(map[string]int, len(ts))
	for _, t := range ts {
		counts[t]++
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	d := uint32(len(x.docs))
	x.docs = append(x.docs, id)
	x.lens = append(x.lens, uint16(min(len(ts), math.MaxUint16)))
	x.longest = max(x.longest, x.lens[len(x.lens)-1])
	x.total += int64(min(len(ts), math.MaxUint16))
	for t, n := range counts {
		k, ok := x.ids[t]
		if !ok {
			k = uint32(len(x.post))
			x.ids[t] = k
			x.post = append(x.post, postings{})
		}
		p := &x.post[k]
		p.doc = append(p.doc, d)
		p.tf = append(p.tf, uint8(min(n, math.MaxUint8)))
	}
}

// Compact gives back the spare capacity that appending left in the
// posting lists; call it after a bulk load.
func (x *Index) Compact() {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range x.post {
		x.post[i].doc = slices.Clip(x.post[i].doc)
		x.post[i].tf = slices.Clip(x.post[i].tf)
		if cap(x.post[i].doc) > len(x.post[i].doc) {
			x.post[i].doc = slices.Clone(x.post[i].doc)
			x.post[i].tf = slices.Clone(x.post[i].tf)
		}
	}
	x.docs = slices.Clone(x.docs)
	x.lens = slices.Clone(x.lens)
}

type accum struct {
	score   []float32
	touched []uint32
	// norms[l] is BM25's length norm of a request of l terms, and once[l]
	// the weight of a term that occurs once in it, for the term being
	// read (see weights).
	norms []float64
	once  []float32
}

// maxTabled is the longest request length the weight tables cover; a
// search over longer requests computes each weight as it goes.
const maxTabled = 4096

// bm25Norm is BM25's length norm of a request of l terms, in an index
// whose requests have avg terms on average.
func bm25Norm(l uint16, avg float64) float64 {
	return bm25K1 * (1 - bm25B + bm25B*float64(l)/avg)
}

// bm25Weight is what a term of weight idf, counted tf times in a request
// of length norm norm, adds to its score. The tables and the direct path
// both call it, so a weight is the same float either way.
func bm25Weight(idf, tf, norm float64) float32 {
	return float32(idf * tf * (bm25K1 + 1) / (tf + norm))
}

// Search returns up to k requests most similar to text, best first, leaving
// out skip (the request being looked up, when it is indexed already). Ties
// go to the later request.
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
	acc, _ := x.scratch.Get().(*accum)
	if acc == nil {
		acc = &accum{}
	}
	if len(acc.score) < n {
		acc.score = make([]float32, n+n/4)
	}
	avg := float64(x.total) / float64(n)
	if avg == 0 {
		avg = 1
	}
	// Rare terms first: they say the most and have the shortest lists.
	type qterm struct {
		p   *postings
		idf float64
	}
	qs := make([]qterm, 0, len(q))
	for _, t := range q {
		if k, ok := x.ids[t]; ok {
			p := &x.post[k]
			df := float64(len(p.doc))
			qs = append(qs, qterm{p, math.Log(1 + (float64(n)-df+0.5)/(df+0.5))})
		}
	}
	slices.SortFunc(qs, func(a, b qterm) int { return len(a.p.doc) - len(b.p.doc) })
	// The request looked up is indexed already, and its own words are the
	// rarest: it must not be a candidate, or a request with one word
	// nobody used before would find only itself.
	skipDoc := uint32(math.MaxUint32)
	if i, ok := slices.BinarySearch(x.docs, skip); ok {
		skipDoc = uint32(i)
	}
	// The norms depend only on a request's length, and most terms occur
	// once in a request: a table by length saves the two divisions each
	// posting of a long list would cost (the lookup's largest share of
	// serve's CPU, with lists of tens of thousands of postings).
	tabled := x.longest <= maxTabled
	if tabled {
		acc.norms = acc.norms[:0]
		for l := range int(x.longest) + 1 {
			acc.norms = append(acc.norms, bm25Norm(uint16(l), avg))
		}
	}
	score := func(p *postings, i int, d uint32, idf float64) {
		if d == skipDoc {
			return
		}
		var norm float64
		if tabled {
			norm = acc.norms[x.lens[d]]
		} else {
			norm = bm25Norm(x.lens[d], avg)
		}
		if acc.score[d] == 0 {
			acc.touched = append(acc.touched, d)
		}
		acc.score[d] += bm25Weight(idf, float64(p.tf[i]), norm)
	}
	// readAll scores every posting of p, with a table of the weight of a
	// term that occurs once when the list is long enough to pay for it.
	readAll := func(p *postings, idf float64) {
		if !tabled || len(p.doc) < 2*len(acc.norms) {
			for i, d := range p.doc {
				score(p, i, d, idf)
			}
			return
		}
		acc.once = acc.once[:0]
		for _, norm := range acc.norms {
			acc.once = append(acc.once, bm25Weight(idf, 1, norm))
		}
		once, lens, sc := acc.once, x.lens, acc.score
		for i, d := range p.doc {
			if d == skipDoc {
				continue
			}
			var w float32
			if tf := p.tf[i]; tf == 1 {
				w = once[lens[d]]
			} else {
				w = bm25Weight(idf, float64(tf), acc.norms[lens[d]])
			}
			if sc[d] == 0 {
				acc.touched = append(acc.touched, d)
			}
			sc[d] += w
		}
	}
	budget := searchBudget
	for _, qt := range qs {
		p := &qt.p.doc
		scan := len(*p)
		probe := len(acc.touched) * bits.Len(uint(scan))
		switch {
		case len(acc.touched) == 0 || scan <= probe && scan <= budget:
			// Terms are read whole until one finds a candidate, so
			// that a request of only common words still finds some.
			budget -= scan
			readAll(qt.p, qt.idf)
		case probe < scan && probe <= budget:
			// A common term only adds to the candidates the rarer terms
			// found; its list is sorted, so each is a binary search.
			budget -= probe
			for _, d := range acc.touched {
				if i, ok := slices.BinarySearch(*p, d); ok {
					score(qt.p, i, d, qt.idf)
				}
			}
		}
	}
	top := make([]Hit, 0, k+1)
	for _, d := range acc.touched {
		s := float64(acc.score[d])
		acc.score[d] = 0
		id := x.docs[d]
		if id == skip || s <= 0 {
			continue
		}
		if len(top) == k && (s < top[k-1].Score || s == top[k-1].Score && id < top[k-1].ID) {
			continue
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
	}
	acc.touched = acc.touched[:0]
	x.scratch.Put(acc)
	return top
}
