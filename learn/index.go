package learn

import (
	"encoding/binary"
	"hash/maphash"
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
//
// Its documents are classes of requests, not requests: the requests whose
// terms the index knew when they were added, with the same counts, and of
// the same length (all terms counted), are one class, and score the same
// for every query. A team that asks the same things often (a help desk's
// "reset my VPN", each with a ticket number of its own) has few classes,
// and a lookup reads lists of classes, however many requests it has. A
// term that a request is the first to hold (its ticket number, say) is
// left out of its class and kept beside the term as the term's first
// holder (see postings), which Search scores on its own: otherwise every
// request with a number of its own would be a class of its own. BM25's
// statistics stay those of requests (a term's document frequency counts
// requests, the average length is over requests), so a request's score
// is the one an index of one document per request gives it.
type Index struct {
	// budget is searchBudget, or a smaller one that a test sets before
	// the index is shared.
	budget int
	mu     sync.RWMutex
	ids    map[string]uint32 // term -> term number
	post   []postings        // by term number
	// classes finds a class by a hash of its terms, counts and length
	// (see classKey).
	classes map[[2]uint64]uint32
	lens    []uint16 // class -> terms counted in each of its requests
	// latest is each class's latest request (the highest id); more holds
	// the earlier ones of the classes that have more than one, in order.
	// Most classes have one request.
	latest []int64
	more   map[uint32][]int64
	// reqs are the requests by id, and reqClass their classes.
	reqs     []int64
	reqClass []uint32
	total    int64 // sum of the requests' lengths
	// longest is the largest of lens: a search's weight tables have an
	// entry for each length up to it.
	longest uint16
	// unordered is set once a request was added with an id below one
	// added before, or joined a class other than the newest. Until then
	// each class's requests came after the class before's and before the
	// next's, so that whichever a search leaves out (see search.exclude),
	// a later class stands for a later request, which a tie goes to, and
	// a search can tell which of two tied classes wins without reading
	// their requests.
	unordered bool
	// seeds and key make the hashes of classes.
	seeds [2]maphash.Seed
	key   []byte
	// scratch holds a search's working memory (*search), reused across
	// searches so that a search allocates almost nothing.
	scratch sync.Pool
}

// postings are the classes holding a term, in the order they were made,
// with the term's count in each (capped at 255, far past where BM25
// saturates). Two arrays keep a posting at 5 bytes.
type postings struct {
	doc []uint32
	tf  []uint8
	// maxTF and minLen are the largest count and the shortest class in
	// the list: with them a search bounds what the term can add to any
	// class's score (see bm25Weight).
	maxTF  uint8
	minLen uint16
	// firstTF is the count of the term in first, the request that held
	// it first, whose class (firstClass) leaves the term out.
	firstTF    uint8
	firstClass uint32
	first      int64
	// df is how many requests hold the term: its BM25 document frequency.
	df int32
}

// Hit is a request found by Search and how well it matched.
type Hit struct {
	ID    int64
	Score float64
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{
		ids: map[string]uint32{}, budget: searchBudget,
		classes: map[[2]uint64]uint32{}, more: map[uint32][]int64{},
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}
}

// Len returns how many requests the index holds.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.reqs)
}

// Add indexes the text of request id. Requests are expected in the order
// they were made; a request the index holds already is not added again.
func (x *Index) Add(id int64, text string) {
	x.addTerms(id, terms(text))
}

// termCount is a term number and its count in a request.
type termCount struct {
	term  uint32
	count uint8
}

// addTerms is Add of a text whose terms are ts.
func (x *Index) addTerms(id int64, ts []string) {
	counts := make(map[string]int, len(ts))
	for _, t := range ts {
		counts[t]++
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	// Requests come in id order but for a few: one out of order is put
	// in its place, which moves the few added after it.
	at := len(x.reqs)
	if at > 0 && id <= x.reqs[at-1] {
		i, ok := slices.BinarySearch(x.reqs, id)
		if ok {
			return
		}
		at = i
		x.unordered = true
	}
	l := uint16(min(len(ts), math.MaxUint16))
	var known []termCount
	var fresh []uint32
	for t, n := range counts {
		tf := uint8(min(n, math.MaxUint8))
		k, ok := x.ids[t]
		if !ok {
			k = uint32(len(x.post))
			x.ids[t] = k
			x.post = append(x.post, postings{first: id, firstTF: tf, minLen: l})
			fresh = append(fresh, k)
			continue
		}
		known = append(known, termCount{k, tf})
	}
	slices.SortFunc(known, func(a, b termCount) int { return int(a.term) - int(b.term) })
	key := x.classKey(known, l)
	c, ok := x.classes[key]
	switch {
	case !ok:
		c = uint32(len(x.lens))
		x.classes[key] = c
		x.lens = append(x.lens, l)
		x.latest = append(x.latest, id)
		x.longest = max(x.longest, l)
		for _, tc := range known {
			p := &x.post[tc.term]
			p.doc = append(p.doc, c)
			p.tf = append(p.tf, tc.count)
			p.maxTF = max(p.maxTF, tc.count)
			p.minLen = min(p.minLen, l)
		}
	case id > x.latest[c]:
		x.more[c] = append(x.more[c], x.latest[c])
		x.latest[c] = id
		if int(c) != len(x.lens)-1 {
			x.unordered = true
		}
	default:
		more := x.more[c]
		i, _ := slices.BinarySearch(more, id)
		x.more[c] = slices.Insert(more, i, id)
	}
	for _, k := range fresh {
		x.post[k].firstClass = c
	}
	for _, tc := range known {
		x.post[tc.term].df++
	}
	for _, k := range fresh {
		x.post[k].df++
	}
	x.reqs = slices.Insert(x.reqs, at, id)
	x.reqClass = slices.Insert(x.reqClass, at, c)
	x.total += int64(l)
}

// classKey returns the hash of a class: its terms (known, by term number)
// with their counts, and its length. It is 128 bits, two 64-bit hashes of
// independent seeds: two classes of an index of a million would share one
// with a chance under 2^-88, so a request is never found in a class that
// is not its own in practice, and the index does not keep the terms of
// its classes to check.
func (x *Index) classKey(known []termCount, l uint16) [2]uint64 {
	b := binary.LittleEndian.AppendUint16(x.key[:0], l)
	for _, tc := range known {
		b = binary.LittleEndian.AppendUint32(b, tc.term)
		b = append(b, tc.count)
	}
	x.key = b
	return [2]uint64{maphash.Bytes(x.seeds[0], b), maphash.Bytes(x.seeds[1], b)}
}

// members calls f with the requests of class c, latest (highest id)
// first, until f returns false.
func (x *Index) members(c uint32, f func(id int64) bool) {
	if !f(x.latest[c]) {
		return
	}
	more := x.more[c]
	for i := len(more) - 1; i >= 0; i-- {
		if !f(more[i]) {
			return
		}
	}
}

// classOf returns the class of request id, if the index holds it.
func (x *Index) classOf(id int64) (uint32, bool) {
	i, ok := slices.BinarySearch(x.reqs, id)
	if !ok {
		return 0, false
	}
	return x.reqClass[i], true
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
	x.lens = slices.Clone(x.lens)
	x.latest = slices.Clone(x.latest)
	x.reqs = slices.Clone(x.reqs)
	x.reqClass = slices.Clone(x.reqClass)
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
