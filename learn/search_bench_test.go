package learn

import (
	"fmt"
	"testing"
)

// searchText is request n of a long history: the benchmark's request
// shapes and systems in turn, each with a number of its own, so that every
// lookup reads long posting lists, as in bench/slackload's burst.
func searchText(n int) string {
	p := benchPhrases[n%len(benchPhrases)]
	system := benchSystems[(n/len(benchPhrases))%len(benchSystems)]
	return fmt.Sprintf(p.text, system) + fmt.Sprintf(" (ref %d)", n)
}

// BenchmarkSearch looks up, in an index of 80,000 requests, a request just
// added, as Finder.Find does for each new request.
func BenchmarkSearch(b *testing.B) {
	const size = 80_000
	x := NewIndex()
	for i := range size {
		x.Add(int64(i+1), searchText(i))
	}
	n := 0
	for b.Loop() {
		i := n % size
		n++
		if hits := x.Search(searchText(i), Considered+1, int64(i+1)); len(hits) == 0 {
			b.Fatal("no hits")
		}
	}
}
