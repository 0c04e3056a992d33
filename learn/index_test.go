package learn

import (
	"fmt"
	"testing"
)

func TestSearchRanksByRareSharedWords(t *testing.T) {
	x := NewIndex()
	docs := []string{
		1: "VPN keeps dropping when I work from home",
		2: "please reset my VPN token",
		3: "deploy pipeline is stuck on the staging step",
		4: "staging database is full",
		5: "how do I reset my password for grafana",
	}
	for id, text := range docs {
		if text != "" {
			x.Add(int64(id), text)
		}
	}
	for i := range 50 { // common words make the shared rare ones count more
		x.Add(int64(100+i), fmt.Sprintf("request number %d about the usual thing", i))
	}
	tests := []struct {
		query string
		skip  int64
		want  []int64
	}{
		// 5 and 1 share one word each with the query; 5 is shorter, so it wins.
		{"can someone reset the VPN for me", 0, []int64{2, 5, 1}},
		{"staging deploy stuck again", 0, []int64{3, 4}},
		{"staging deploy stuck again", 3, []int64{4}},
		{"the and of", 0, nil},
		// Pasted log lines and links' paths are not what a request says.
		{"```\n2026-11-17T10:00:00Z ERROR staging deploy stuck\n```\nsee <https://ci.example.com/staging/deploy|the job>", 0, nil},
		{"kubernetes", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			hits := x.Search(tc.query, 3, tc.skip)
			var got []int64
			for _, h := range hits {
				got = append(got, h.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Search(%q) = %v, want %v (hits %+v)", tc.query, got, tc.want, hits)
			}
		})
	}
}

func TestSearchKeepsOnlyTheBestK(t *testing.T) {
	x := NewIndex()
	for i := range 20 {
		// Request i mentions "disk" i times: more mentions, higher score.
		text := "server"
		for range i {
			text += " disk"
		}
		x.Add(int64(i), text)
	}
	x.Compact()
	hits := x.Search("disk", 3, 0)
	if len(hits) != 3 || hits[0].ID != 19 || hits[1].ID != 18 || hits[2].ID != 17 {
		t.Errorf("hits %+v, want requests 19, 18, 17", hits)
	}
	if x.Len() != 20 {
		t.Errorf("Len = %d, want 20", x.Len())
	}
}

// TestSearchForAnIndexedRequestWithAWordOfItsOwn: the Finder indexes a
// request before it looks it up, so the request's own words are the
// rarest in the index. A word nobody used before must not leave the
// request itself as the only candidate.
func TestSearchForAnIndexedRequestWithAWordOfItsOwn(t *testing.T) {
	x := NewIndex()
	for i := range 3 {
		x.Add(int64(i+1), fmt.Sprintf("the nightly invoices ETL run %d failed with a schema mismatch", i))
	}
	for i := range 200 { // enough that the common words' lists are long
		x.Add(int64(100+i), fmt.Sprintf("request number %d about the nightly thing", i))
	}
	q := "the nightly invoices ETL failed again, schema mismatch"
	x.Add(1000, q)
	var got []int64
	for _, h := range x.Search(q, 3, 1000) {
		got = append(got, h.ID)
	}
	if len(got) != 3 || got[0] > 3 || got[1] > 3 || got[2] > 3 {
		t.Errorf("Search = %v, want requests 1, 2 and 3", got)
	}
}

// TestAddTakesEachRequestOnce: a request added again is not counted
// again, and one added out of id order is found as the request looked
// up, and left out.
func TestAddTakesEachRequestOnce(t *testing.T) {
	x := NewIndex()
	for _, id := range []int64{1, 2, 5, 3, 5, 2} {
		x.Add(id, "disk full on the build agents")
	}
	if x.Len() != 4 {
		t.Errorf("Len = %d, want 4", x.Len())
	}
	var got []int64
	for _, h := range x.Search("disk full", 5, 3) {
		got = append(got, h.ID)
	}
	if fmt.Sprint(got) != "[5 2 1]" {
		t.Errorf("Search = %v, want [5 2 1]", got)
	}
}
