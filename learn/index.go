package learn

import (
	"math"
	"slices"
	"sync"
)

// BM25's usual constants: how fast a term's weight saturates with its count
// in a request, and how much a long request is discounted.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// searchBudget is how many postings one search's plan may count on
// reading. Terms are taken rarest first; a term whose list (or whose
// probes for the candidates) no longer fits is left out. Such a term is
// common (its list is longer than all the rarer ones' together), so its
// BM25 weight is small, and leaving it out is what keeps a lookup over
// 500k requests in a few milliseconds. The plan counts postings as if
// every list were read whole; the search reads fewer (see Search).
const searchBudget = 150_000

// Index is a BM25 index over one team's request texts, in memory. Add and
// Search are safe for concurrent use; a Search sees every Add that returned
// before it started.
type Index struct {
	// budget is searchBudget, or a smaller one that a test sets before
	// the index is shared.
	budget int
	mu     sync.RWMutex
	ids    map[string]uint32 // term -> term number
	post   []postings        // by term number
	docs   []int64           // document number -> request id
	lens   []uint16          // document number -> terms counted
	total  int64             // sum of lens
	// longest is the largest of lens: a search's weight tables have an
	// entry for each length up to it.
	longest uint16
	// unordered is set once a request was added with an id not above
	// the one before: until then a later document is a later request,
	// which a tie goes to, and a search can tell which of two tied
	// requests wins without reading their ids.
	unordered bool
	// scratch holds a search's working memory (*search), reused across
	// searches so that a search allocates almost nothing.
	scratch sync.Pool
}

// postings are the documents holding a term, in the order they were added,
// with the term's count in each (capped at 255, far past where BM25
// saturates). Two arrays keep a posting at 5 bytes.
type postings struct {
	doc []uint32
	tf  []uint8
	// maxTF and minLen are the largest count and the shortest document in
	// the list: with them a search bounds what the term can add to any
	// document's score (see bm25Bound).
	maxTF  uint8
	minLen uint16
}

// Hit is a request found by Search and how well it matched.
type Hit struct {
	ID    int64
	Score float64
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{ids: map[string]uint32{}, budget: searchBudget}
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
	x.addTerms(id, terms(text))
}

// addTerms is Add of a text whose terms are ts.
func (x *Index) addTerms(id int64, ts []string) {
	counts := make(map[string]int, len(ts))
	for _, t := range ts {
		counts[t]++
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	d := uint32(len(x.docs))
	if d > 0 && id <= x.docs[d-1] {
		x.unordered = true
	}
	l := uint16(min(len(ts), math.MaxUint16))
	x.docs = append(x.docs, id)
	x.lens = append(x.lens, l)
	x.longest = max(x.longest, l)
	x.total += int64(l)
	for t, n := range counts {
		k, ok := x.ids[t]
		if !ok {
			k = uint32(len(x.post))
			x.ids[t] = k
			x.post = append(x.post, postings{minLen: l})
		}
		p := &x.post[k]
		tf := uint8(min(n, math.MaxUint8))
		p.doc = append(p.doc, d)
		p.tf = append(p.tf, tf)
		p.maxTF = max(p.maxTF, tf)
		p.minLen = min(p.minLen, l)
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

// bm25Norm is BM25's length norm of a request of l terms, in an index
// whose requests have avg terms on average.
func bm25Norm(l uint16, avg float64) float64 {
	return bm25K1 * (1 - bm25B + bm25B*float64(l)/avg)
}

// bm25Weight is what a term of weight idf, counted tf times in a request
// of length norm norm, adds to its score. The weight tables, the direct
// path and the terms' bounds all call it, so a weight is the same float
// every way, and a bound is never under a weight it bounds.
func bm25Weight(idf, tf, norm float64) float32 {
	return float32(idf * tf * (bm25K1 + 1) / (tf + norm))
}
