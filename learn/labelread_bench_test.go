package learn

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkReadLabels100k reads a JSONL labels file of 100k records, the
// size of rules eval's speed bar (issue 12), without classifying.
func BenchmarkReadLabels100k(b *testing.B) {
	var buf bytes.Buffer
	for i := range 100000 {
		fmt.Fprintf(&buf, `{"id": "b%d", "text": "the deploy pipeline on main is failing since yesterday, request %d", "urgency": "P2", "category": "deploy", "split": "train"}`+"\n", i, i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadLabels("l.jsonl", data, nil); err != nil {
			b.Fatal(err)
		}
	}
}
