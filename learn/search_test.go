package learn

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// bruteSearch is Search written the plain way, as the reference for its
// pruning: every candidate is scored, and all are returned, best first, so
// that the top k is the first k. Its plan is Search's, restated: terms rarest first (ties
// alphabetical); a term's list is read whole (each request in it becomes
// a candidate) while no candidate is found yet, or when reading it costs
// no more than a binary search per candidate and fits in the budget; it
// only adds to the candidates found before it when that is cheaper and
// fits; otherwise it is left out. With a budget no plan reaches and no
// probed term, this is BM25's exhaustive top k; the probed and left-out
// terms are where Search, by design, departs from it.
func bruteSearch(x *Index, text string, skip int64, budget int) []Hit {
	q := terms(text)
	if len(q) == 0 || len(x.docs) == 0 {
		return nil
	}
	slices.Sort(q)
	q = slices.Compact(q)
	n := len(x.docs)
	avg := float64(x.total) / float64(n)
	if avg == 0 {
		avg = 1
	}
	type term struct {
		idf float64
		tf  map[int]uint8 // document -> count
	}
	var ts []term
	for _, w := range q {
		id, ok := x.ids[w]
		if !ok {
			continue
		}
		p := x.post[id]
		df := float64(len(p.doc))
		t := term{idf: math.Log(1 + (float64(n)-df+0.5)/(df+0.5)), tf: map[int]uint8{}}
		for i, d := range p.doc {
			t.tf[int(d)] = p.tf[i]
		}
		ts = append(ts, t)
	}
	slices.SortStableFunc(ts, func(a, b term) int { return cmp.Compare(len(a.tf), len(b.tf)) })
	skipDoc := -1
	if i, ok := slices.BinarySearch(x.docs, skip); ok {
		skipDoc = i
	}
	// found[d] is the position of the first read term that made d a
	// candidate; adds[t][d] says term t adds to d's score.
	found := map[int]int{}
	adds := make([]map[int]bool, len(ts))
	for j, t := range ts {
		adds[j] = map[int]bool{}
		scan := len(t.tf)
		probe := len(found) * bits.Len(uint(scan))
		switch {
		case len(found) == 0 || scan <= probe && scan <= budget:
			budget -= scan
			for d := range t.tf {
				if d == skipDoc {
					continue
				}
				if _, ok := found[d]; !ok {
					found[d] = j
				}
				adds[j][d] = true
			}
		case probe < scan && probe <= budget:
			budget -= probe
			for d, first := range found {
				if _, ok := t.tf[d]; ok && first < j {
					adds[j][d] = true
				}
			}
		}
	}
	var all []Hit
	for d := range found {
		var s float32
		for j, t := range ts {
			if adds[j][d] {
				s += bm25Weight(t.idf, float64(t.tf[d]), bm25Norm(x.lens[d], avg))
			}
		}
		if x.docs[d] != skip && s > 0 {
			all = append(all, Hit{ID: x.docs[d], Score: float64(s)})
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
// Some ids repeat the one before when repeats is set. When tight is set,
// every request is four different words, none skewed, so that the terms'
// bounds are the weights themselves and scores differ by a hair: pruning
// that passes over a request a little too soon shows.
func randomCorpus(r *rand.Rand, size int, repeats, tight bool) (*Index, []string) {
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
	x := NewIndex()
	texts := make([]string, 0, size)
	id := int64(0)
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
		if !repeats || r.IntN(10) > 0 || i == 0 {
			id++
		}
		x.Add(id, text)
		texts = append(texts, text)
	}
	return x, texts
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
		x, texts := randomCorpus(r, size, c%4 == 3, c%3 == 2)
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
					q, skip = texts[i], x.docs[i]
				}
				matchesBrute(t, x, q, skip)
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
		t.Run(fmt.Sprintf("corpus %d of %d requests, budget %d", c, len(x.docs), budget), lookups)
	}
}

// matchesBrute checks Search(q, k, skip) against bruteSearch's first k,
// to the bit, for several k.
func matchesBrute(t *testing.T, x *Index, q string, skip int64) {
	t.Helper()
	all := bruteSearch(x, q, skip, x.budget)
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
	x, texts := randomCorpus(r, 2000, false, false)
	for _, budget := range []int{searchBudget, 300} {
		for _, q := range texts[:200] {
			s := &search{skipDoc: -1}
			for _, w := range slices.Compact(slices.Sorted(slices.Values(terms(q)))) {
				if id, ok := x.ids[w]; ok {
					s.terms = append(s.terms, qterm{p: &x.post[id]})
				}
			}
			slices.SortStableFunc(s.terms, func(a, b qterm) int { return len(a.p.doc) - len(b.p.doc) })
			before := len(s.terms)
			s.plan(len(x.docs), budget)
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
// not the one a tie goes to.
func repeatedAsks(r *rand.Rand, size int, shuffled bool) (*Index, []string) {
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
	}
	return x, texts
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
		x, texts := repeatedAsks(r, 100+r.IntN(1200), c%3 == 2)
		size := len(texts)
		eachBudget(t, c, x, []int{searchBudget, 1 + r.IntN(3*size)}, func(t *testing.T) {
			for range 30 {
				i := size - 1 - r.IntN(min(size, 200))
				if r.IntN(3) == 0 {
					i = r.IntN(size)
				}
				matchesBrute(t, x, texts[i], x.docs[i])
			}
		})
	}
}
