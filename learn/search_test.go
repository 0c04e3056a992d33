package learn

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// bruteSearch is Search written the plain way, as the reference for its
// classes and its pruning: every request is scored on its own, from the
// texts added to x (texts[i] is request ids[i]), and all are returned,
// best first, so that the top k is the first k.
//
// Its plan is Search's, restated over the classes, worked out here from
// the texts: a request's class is the terms it held that an earlier
// request held, with their counts, and its length. Terms go rarest first
// (by requests, ties alphabetical); a term's list of classes is read
// whole (each class in it becomes a candidate) while no candidate is
// found yet, or when reading it costs no more than a binary search per
// candidate and fits in the budget; it only adds to the classes found
// before it when that is cheaper and fits; otherwise it is left out. The
// request looked up, and the requests that hold a query term first, are
// no members of their classes (a class of only those is no candidate);
// the latter are scored with every term the plan keeps. With a budget no
// plan reaches and no probed term, this is BM25's exhaustive top k; the
// probed and left-out terms are where Search, by design, departs from it.
func bruteSearch(texts []string, ids []int64, text string, skip int64, budget int) []Hit {
	q := terms(text)
	if len(q) == 0 || len(texts) == 0 {
		return nil
	}
	slices.Sort(q)
	q = slices.Compact(q)
	type request struct {
		id    int64
		tf    map[string]uint8
		l     uint16
		class int
	}
	first := map[string]int64{} // term -> the request that held it first
	df := map[string]int{}
	keys := map[string]int{}         // a class's terms and length -> class
	var classTerms []map[string]bool // class -> its terms
	reqs := make([]request, len(texts))
	total := 0
	for i, text := range texts {
		ts := terms(text)
		r := request{id: ids[i], tf: map[string]uint8{}, l: uint16(min(len(ts), math.MaxUint16))}
		for _, w := range ts {
			r.tf[w] = uint8(min(int(r.tf[w])+1, math.MaxUint8))
		}
		key := fmt.Sprint(r.l)
		held := map[string]bool{}
		for _, w := range slices.Sorted(maps.Keys(r.tf)) {
			if _, ok := first[w]; ok {
				key += fmt.Sprintf(" %s:%d", w, r.tf[w])
				held[w] = true
			}
		}
		for w := range r.tf {
			if _, ok := first[w]; !ok {
				first[w] = r.id
			}
			df[w]++
		}
		c, ok := keys[key]
		if !ok {
			c = len(classTerms)
			keys[key] = c
			classTerms = append(classTerms, held)
		}
		r.class = c
		reqs[i] = r
		total += int(r.l)
	}
	n := len(reqs)
	avg := float64(total) / float64(n)
	if avg == 0 {
		avg = 1
	}
	type term struct {
		w   string
		idf float64
		df  int
	}
	var ts []term
	left := map[int64]bool{skip: true} // no members of their classes
	for _, w := range q {
		if df[w] > 0 {
			ts = append(ts, term{w, math.Log(1 + (float64(n)-float64(df[w])+0.5)/(float64(df[w])+0.5)), df[w]})
			left[first[w]] = true
		}
	}
	slices.SortStableFunc(ts, func(a, b term) int { return cmp.Compare(a.df, b.df) })
	live := map[int]bool{} // classes with a member not left out
	for _, r := range reqs {
		if !left[r.id] {
			live[r.class] = true
		}
	}
	// found[c] is the position of the first read term that made class c
	// a candidate; adds[j][c] says term j adds to c's score, kept[j] that
	// the plan keeps term j.
	found := map[int]int{}
	adds := make([]map[int]bool, len(ts))
	kept := make([]bool, len(ts))
	for j, t := range ts {
		adds[j] = map[int]bool{}
		var list []int
		for c, held := range classTerms {
			if held[t.w] {
				list = append(list, c)
			}
		}
		scan := len(list)
		probe := len(found) * bits.Len(uint(scan))
		switch {
		case len(found) == 0 || scan <= probe && scan <= budget:
			budget -= scan
			kept[j] = true
			for _, c := range list {
				if !live[c] {
					continue
				}
				if _, ok := found[c]; !ok {
					found[c] = j
				}
				adds[j][c] = true
			}
		case probe < scan && probe <= budget:
			budget -= probe
			kept[j] = true
			for _, c := range list {
				if first, ok := found[c]; ok && first < j {
					adds[j][c] = true
				}
			}
		}
	}
	var all []Hit
	for _, r := range reqs {
		_, isFound := found[r.class]
		if r.id == skip || !left[r.id] && !isFound {
			continue
		}
		var s float32
		for j, t := range ts {
			if r.tf[t.w] > 0 && (left[r.id] && kept[j] || adds[j][r.class]) {
				s += bm25Weight(t.idf, float64(r.tf[t.w]), bm25Norm(r.l, avg))
			}
		}
		if s > 0 {
			all = append(all, Hit{ID: r.id, Score: float64(s)})
		}
	}
	slices.SortFunc(all, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return all
}

// randomCorpus fills an index with size requests over a small vocabulary,
// skewed so that some words are in most requests: many requests repeat
// one of a few texts word for word, some count a word many times, some
// have a number of their own, and one is longer than 4,096 words.
// Some ids are below the one before when swapped is set. When tight is set,
// every request is four different words, none skewed, so that the terms'
// bounds are the weights themselves and scores differ by a hair: pruning
// that passes over a request a little too soon shows. It returns the
// index, and the texts and ids of its requests in the order added.
func randomCorpus(r *rand.Rand, size int, swapped, tight bool) (*Index, []string, []int64) {
	vocab := make([]string, 40)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%02d", i)
	}
	word := func() string { return vocab[min(int(r.ExpFloat64()*6), len(vocab)-1)] }
	phrase := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}
	stock := make([]string, 6)
	for i := range stock {
		stock[i] = phrase(2 + r.IntN(6))
	}
	ids := requestIDs(r, size, swapped, 5)
	x := NewIndex()
	texts := make([]string, 0, size)
	for i := range size {
		var text string
		switch c := r.IntN(20); {
		case tight:
			ws := r.Perm(len(vocab))[:4]
			text = fmt.Sprintf("%s %s %s %s", vocab[ws[0]], vocab[ws[1]], vocab[ws[2]], vocab[ws[3]])
		case i == size/2:
			text = phrase(4100 + r.IntN(200))
		case c < 8:
			text = stock[r.IntN(len(stock))]
		case c < 10:
			text = phrase(1+r.IntN(3)) + strings.Repeat(" "+word(), 2+r.IntN(300))
		case c < 12:
			text = phrase(1+r.IntN(8)) + fmt.Sprintf(" ref%d", i)
		default:
			text = phrase(1 + r.IntN(12))
		}
		x.Add(ids[i], text)
		texts = append(texts, text)
	}
	return x, texts, ids
}

// requestIDs returns the ids of size requests, 1 to size in order, or,
// when swapped is set, with about one pair of neighbours in oneIn
// swapped.
func requestIDs(r *rand.Rand, size int, swapped bool, oneIn int) []int64 {
	ids := make([]int64, size)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	for i := 0; swapped && i+1 < size; i += 2 {
		if r.IntN(oneIn) == 0 {
			ids[i], ids[i+1] = ids[i+1], ids[i]
		}
	}
	return ids
}

// TestSearchMatchesBruteForce checks Search's pruned top k against
// bruteSearch's, to the bit, on random corpora: the lookups Finder makes
// (a request just indexed, itself skipped), texts not indexed, and words
// the index does not hold, for several k, with the default budget and with
// budgets small enough that the plan leaves terms out.
func TestSearchMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for c := range 10 {
		size := 50 + r.IntN(1500)
		x, texts, ids := randomCorpus(r, size, c%4 == 3, c%3 == 2)
		eachBudget(t, c, x, []int{searchBudget, 1 + r.IntN(size), 1 + r.IntN(3*size)}, func(t *testing.T) {
			for range 40 {
				var q string
				var skip int64
				switch i := r.IntN(size); r.IntN(4) {
				case 0:
					q = fmt.Sprintf("w%02d w%02d unheard", r.IntN(45), r.IntN(45))
				case 1:
					q = texts[r.IntN(len(texts))] + " " + texts[r.IntN(len(texts))]
				default:
					q, skip = texts[i], ids[i]
				}
				matchesBrute(t, x, texts, ids, q, skip)
			}
		})
	}
}

// eachBudget runs lookups in a subtest for each budget, with x's set to
// it.
func eachBudget(t *testing.T, c int, x *Index, budgets []int, lookups func(t *testing.T)) {
	t.Helper()
	for _, budget := range budgets {
		x.budget = budget
		t.Run(fmt.Sprintf("corpus %d of %d requests, budget %d", c, len(x.reqs), budget), lookups)
	}
}

// matchesBrute checks Search(q, k, skip) against bruteSearch's first k,
// to the bit, for several k.
func matchesBrute(t *testing.T, x *Index, texts []string, ids []int64, q string, skip int64) {
	t.Helper()
	all := bruteSearch(texts, ids, q, skip, x.budget)
	for _, k := range []int{1, 3, Considered + 1, 25} {
		got, want := x.Search(q, k, skip), all[:min(k, len(all))]
		if !slices.Equal(got, want) {
			t.Fatalf("Search(%.60q, %d, %d):\n got %v\nwant %v", q, k, skip, got, want)
		}
	}
}

// TestSearchPlanCoversEveryStep checks that the random corpora of
// TestSearchMatchesBruteForce take each of the plan's steps (a list read
// whole, a term only probed, a term left out), so that the comparison
// covers them all.
func TestSearchPlanCoversEveryStep(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	seen := map[step]int{}
	x, texts, _ := randomCorpus(r, 2000, false, false)
	for _, budget := range []int{searchBudget, 300} {
		for _, q := range texts[:200] {
			s := &search{}
			for _, w := range slices.Compact(slices.Sorted(slices.Values(terms(q)))) {
				if id, ok := x.ids[w]; ok {
					s.terms = append(s.terms, qterm{p: &x.post[id]})
				}
			}
			slices.SortStableFunc(s.terms, func(a, b qterm) int { return int(a.p.df - b.p.df) })
			before := len(s.terms)
			s.plan(len(x.lens), budget)
			seen[leaveOut] += before - len(s.terms)
			for _, qt := range s.terms {
				if qt.read {
					seen[readWhole]++
				} else {
					seen[probeOnly]++
				}
			}
		}
	}
	for _, st := range []step{readWhole, probeOnly, leaveOut} {
		if seen[st] == 0 {
			t.Errorf("no term took step %d: %v", st, seen)
		}
	}
}

// repeatedAsks fills an index with size requests that are mostly the same
// few asks about the same few subjects, each with a ticket number of its
// own, some with a word more: the lists are long and many requests tie,
// so that the k-th best score is shared by many requests, and the search
// can learn it from the first requests it reads (see seed) and stop making
// candidates after the first terms. When shuffled is set, the requests'
// ids are not in the order they are added, so that the latest request is
// not the one a tie goes to. It returns what randomCorpus does.
func repeatedAsks(r *rand.Rand, size int, shuffled bool) (*Index, []string, []int64) {
	phrase := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = fmt.Sprintf("w%02d", r.IntN(60))
		}
		return strings.Join(ws, " ")
	}
	asks := make([]string, 2+r.IntN(10))
	for i := range asks {
		asks[i] = phrase(2 + r.IntN(6))
	}
	subjects := make([]string, 2+r.IntN(12))
	for i := range subjects {
		subjects[i] = fmt.Sprintf("s%02d", i) + strings.Repeat(fmt.Sprintf(" t%02d", i), r.IntN(3))
	}
	x := NewIndex()
	texts := make([]string, 0, size)
	ids := make([]int, size)
	for i := range ids {
		ids[i] = i
	}
	if shuffled {
		ids = r.Perm(size)
	}
	added := make([]int64, 0, size)
	for i := range size {
		text := asks[i%len(asks)] + " " + subjects[(i/len(asks))%len(subjects)]
		if r.IntN(8) == 0 {
			text = asks[r.IntN(len(asks))] + " " + subjects[r.IntN(len(subjects))]
		}
		if r.IntN(10) == 0 {
			text += " " + phrase(1)
		}
		text += fmt.Sprintf(" ticket %d", i)
		x.Add(int64(ids[i]+1), text)
		texts = append(texts, text)
		added = append(added, int64(ids[i]+1))
	}
	return x, texts, added
}

// TestSearchMatchesBruteForceOnRepeatedAsks is TestSearchMatchesBruteForce
// on repeatedAsks: the k-th best score is known early and shared by many
// requests, which the latest of them win, so a search that stops making
// candidates too soon, drops a request that could still tie, or takes a
// floor from a request's score before all of its terms are added, returns
// other hits, as does one that drops a request that can only tie with the
// hits for being older than them when the ids are not in the order the
// requests were added (see prune).
func TestSearchMatchesBruteForceOnRepeatedAsks(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 3))
	for c := range 10 {
		x, texts, ids := repeatedAsks(r, 100+r.IntN(1200), c%3 == 2)
		size := len(texts)
		eachBudget(t, c, x, []int{searchBudget, 1 + r.IntN(3*size)}, func(t *testing.T) {
			for range 30 {
				i := size - 1 - r.IntN(min(size, 200))
				if r.IntN(3) == 0 {
					i = r.IntN(size)
				}
				matchesBrute(t, x, texts, ids, texts[i], ids[i])
			}
		})
	}
}

// duplicateTexts fills an index with size requests, most of them one of a
// few texts word for word (or the same words in another order: the same
// class), some of those with a number of their own, among requests of
// their own words: classes of many requests beside classes of one. When
// swapped is set, some ids are below the one before, so that a class's
// latest request is not always the latest added. It returns what
// randomCorpus does.
func duplicateTexts(r *rand.Rand, size int, swapped bool) (*Index, []string, []int64) {
	phrase := func(n int) []string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = fmt.Sprintf("d%02d", r.IntN(20))
		}
		return ws
	}
	pool := make([][]string, 3+r.IntN(6))
	for i := range pool {
		pool[i] = phrase(1 + r.IntN(5))
	}
	ids := requestIDs(r, size, swapped, 3)
	x := NewIndex()
	texts := make([]string, size)
	for i := range size {
		var ws []string
		switch c := r.IntN(10); {
		case c < 6:
			ws = slices.Clone(pool[r.IntN(len(pool))])
			r.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
		case c < 8:
			ws = append(slices.Clone(pool[r.IntN(len(pool))]), fmt.Sprintf("ref%d", i))
		default:
			ws = phrase(1 + r.IntN(6))
		}
		texts[i] = strings.Join(ws, " ")
		x.Add(ids[i], texts[i])
	}
	return x, texts, ids
}

// TestSearchMatchesBruteForceOnDuplicates is TestSearchMatchesBruteForce
// on duplicateTexts, whose requests are few classes: the request looked
// up (its own text, or a one- or two-word query, which many classes of
// the same length match with the same score, so that the hits are ties
// across classes, which go to the later request) is the latest of a
// class of many, an older one, the only one of its class, or none. A search that picks
// the best classes by anything but their score and their latest request,
// or reads too few of a class's requests, returns other hits.
func TestSearchMatchesBruteForceOnDuplicates(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 17))
	seen := map[int]int{}
	for c := range 12 {
		x, texts, ids := duplicateTexts(r, 100+r.IntN(1500), c%3 == 1)
		size := len(texts)
		if len(x.lens) > size/2 {
			t.Fatalf("corpus %d: %d classes of %d requests: too few duplicates to test", c, len(x.lens), size)
		}
		eachBudget(t, c, x, []int{searchBudget, 1 + r.IntN(size)}, func(t *testing.T) {
			for range 40 {
				i := r.IntN(size)
				q, skip := texts[i], ids[i]
				switch r.IntN(5) {
				case 0:
					q = fmt.Sprintf("d%02d", r.IntN(22))
				case 1:
					q = fmt.Sprintf("d%02d d%02d", r.IntN(20), r.IntN(20))
				}
				switch r.IntN(4) {
				case 0:
					skip = 0
				case 1, 2:
					i = size - 1 - r.IntN(min(size, 20))
					skip = ids[i]
				}
				if skip != 0 {
					seen[classSize(x, skip)]++
				}
				matchesBrute(t, x, texts, ids, q, skip)
			}
		})
	}
	// The request looked up was the only one of its class, or one of two,
	// or of many.
	if seen[1] == 0 || seen[2] == 0 || seen[3] == 0 {
		t.Errorf("lookups by the size of the class of the request looked up (1, 2, more): %v", seen)
	}
}

// classSize is how many requests the class of request id has, 3 for
// more than two.
func classSize(x *Index, id int64) int {
	c, _ := x.classOf(id)
	return min(1+len(x.more[c]), 3)
}

// TestSearchSkipsTheRequestLookedUp: the request looked up is no hit,
// whether its class has other requests (which are, the latest first) or
// none.
func TestSearchSkipsTheRequestLookedUp(t *testing.T) {
	x := NewIndex()
	texts := []string{
		1: "printer jammed", 2: "printer jammed", 3: "printer jammed", 4: "vpn token expired",
		// The first request of some words, then two classes of the same
		// length that hold "disk" once: each scores the same for "disk".
		5: "disk full quota node", 6: "disk full", 7: "disk quota", 8: "disk full",
		// Two classes that tie for "alpha beta gamma", the older of
		// which gets the latest request.
		9: "alpha beta gamma delta epsilon", 10: "alpha beta gamma delta", 11: "alpha beta gamma epsilon",
		12: "alpha beta gamma delta",
	}
	for id, text := range texts {
		if text != "" {
			x.Add(int64(id), text)
		}
	}
	tests := []struct {
		query string
		skip  int64
		k     int
		want  []int64
	}{
		{"printer jammed", 2, 2, []int64{3, 1}},
		{"printer jammed", 3, 2, []int64{2, 1}},
		{"jammed printer", 0, 2, []int64{3, 2}},
		{"vpn token expired", 4, 2, nil},
		{"expired token", 1, 2, []int64{4}},
		{"disk", 0, 1, []int64{8}},
		// Request 8 left out, its class stands for request 6, which
		// loses the tie with 7.
		{"disk", 8, 1, []int64{7}},
		{"disk", 8, 2, []int64{7, 6}},
		{"alpha beta gamma", 0, 1, []int64{12}},
		{"alpha beta gamma", 0, 2, []int64{12, 11}},
		{"alpha beta gamma", 12, 1, []int64{11}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s, skip %d", tc.query, tc.skip), func(t *testing.T) {
			var got []int64
			for _, h := range x.Search(tc.query, tc.k, tc.skip) {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSimilarSharesAContentWord: a request is listed as similar only for
// a word that says what it is about. "again", "still", "please", "anyone"
// or "today" are in any request; sharing one of them alone listed the
// staging cluster beside the jammed printer.
func TestSimilarSharesAContentWord(t *testing.T) {
	x := NewIndex()
	x.Add(1, "the staging cluster is down again")
	x.Add(2, "could someone please look at the build today, it's still failing")
	x.Add(3, "anyone know why the printer on floor 2 is jammed")
	tests := []struct {
		text string
		want []int64
	}{
		{"printer on floor 3 is jammed again", []int64{3}},
		{"can anyone please help, still nothing today", nil},
		{"is the staging cluster still down?", []int64{1}},
	}
	for _, tc := range tests {
		var got []int64
		for _, h := range x.Search(tc.text, 3, 0) {
			got = append(got, h.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: similar %v, want %v (terms %q)", tc.text, got, tc.want, terms(tc.text))
		}
	}
}
