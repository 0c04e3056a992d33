package classifier

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The scanner finds exactly the literals a substring search finds,
// overlapping ones, ones inside others and ones at the edges included.
func TestLitScannerFindsWhatContainsFinds(t *testing.T) {
	lits := [][]byte{[]byte("error"), []byte("err"), []byte("rror"), []byte("5"), []byte("is"), []byte("this"),
		[]byte("his"), []byte("since yesterday"), []byte("day"), []byte("aaa"), []byte("aab"), []byte("-ci"),
		[]byte("é"), []byte("\xa9"), []byte("ab"), []byte("b"), []byte("bab")}
	sc := newLitScanner(lits)
	alphabet := []string{"a", "b", "err", "or", "5", "is", "th", "h", " ", "since ", "yester", "day", "-", "ci", "é", "©", "\n"}
	rnd := rand.New(rand.NewPCG(3, 4))
	seen := make([]bool, len(lits))
	for range 20000 {
		var text []byte
		for k := rnd.IntN(10); k >= 0; k-- {
			text = append(text, alphabet[rnd.IntN(len(alphabet))]...)
		}
		found := make([]uint64, 1)
		sc.scan(text, found)
		for id, l := range lits {
			got := found[0]&(1<<id) != 0
			if want := bytes.Contains(text, l); got != want {
				t.Fatalf("%q in %q: scanner says %v", l, text, got)
			}
			seen[id] = seen[id] || got
		}
	}
	for id, ok := range seen {
		if !ok {
			t.Errorf("%q was never in a text: the test does not cover it", lits[id])
		}
	}
}
