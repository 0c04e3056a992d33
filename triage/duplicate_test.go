package triage

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestSimilarity checks the Jaccard index of summaries' word sets: case,
// punctuation and repeated words do not count, letters and digits of any
// script do.
func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"Deploy is stuck", "deploy IS stuck!!", 1},
		{"deploy deploy stuck", "deploy stuck", 1},
		{"deploy is stuck", "deploy is stuck again", 0.75},
		{"a b c d e", "a b c d e f g h", 5.0 / 8},
		{"accès refusé à la base", "Accès refusé, à la BASE", 1},
		{"v2.3 rollout", "v2 3 rollout", 1},
		{"", "anything", 0},
		{"!!!", "???", 0},
		{"alpha beta", "gamma delta", 0},
	}
	for _, tc := range tests {
		t.Run(tc.a+"|"+tc.b, func(t *testing.T) {
			if got := similarity(wordSet(nil, tc.a), wordSet(nil, tc.b)); got != tc.want {
				t.Errorf("similarity = %v, want %v", got, tc.want)
			}
			if got := similarity(wordSet(nil, tc.b), wordSet(nil, tc.a)); got != tc.want {
				t.Errorf("reversed: similarity = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestWordCache checks that the cache answers what wordSet does, keeps a
// summary asked again while newer ones come, and stays bounded.
func TestWordCache(t *testing.T) {
	var c wordCache
	first := "Deploy of API stuck, deploy blocked"
	if got, want := c.words(first), wordSet(nil, first); !slices.Equal(got, want) {
		t.Fatalf("words = %q, want %q", got, want)
	}
	for i := range 3 * wordCacheSize {
		s := "request number " + strconv.Itoa(i)
		if got := c.words(s); !slices.Equal(got, []string{strconv.Itoa(i), "number", "request"}) {
			t.Fatalf("words(%q) = %q", s, got)
		}
		if i%(wordCacheSize/2) == 0 {
			c.words(first) // asked again now and then: it stays
		}
		if len(c.cur) > wordCacheSize || len(c.older) > wordCacheSize {
			t.Fatalf("after %d summaries the cache holds %d + %d, more than 2 × %d", i+2, len(c.cur), len(c.older), wordCacheSize)
		}
	}
	_, inCur := c.cur[first]
	_, inOlder := c.older[first]
	if !inCur && !inOlder {
		t.Error("a summary asked again every half generation was let go")
	}
	if _, ok := c.cur["request number 0"]; ok {
		t.Error("the first generation is still there")
	}
	if _, ok := c.older["request number 0"]; ok {
		t.Error("the first generation is still there")
	}
}

// peekTx shows its requests to RequestsBy as copies and to PeekRequestsBy
// as they are, and counts the peeks.
type peekTx struct {
	Tx
	reqs  []*Request
	peeks int
}

func (p *peekTx) RequestsBy(team, user string, from, to time.Time, fn func(*Request) error) error {
	return p.walk(team, user, from, to, func(r *Request) error { return fn(r.Clone()) })
}

func (p *peekTx) PeekRequestsBy(team, user string, from, to time.Time, fn func(*Request) error) error {
	p.peeks++
	return p.walk(team, user, from, to, fn)
}

func (p *peekTx) walk(team, user string, from, to time.Time, fn func(*Request) error) error {
	for _, r := range p.reqs {
		if r.Team == team && r.User == user && !r.CreatedAt.Before(from) && r.CreatedAt.Before(to) {
			if err := fn(r); errors.Is(err, ErrStop) {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

// TestFindDuplicatePeeksAndCopiesTheOne wants the duplicate check to read
// a RequestPeeker's requests without copies, and to hand back a copy of
// the duplicate, which intake changes: the store's own must stay as it
// is until the write, so that a failed intake leaves it unchanged.
func TestFindDuplicatePeeksAndCopiesTheOne(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	stored := &Request{ID: 7, Team: "platform", User: "U1", Summary: "deploy is stuck", CreatedAt: at}
	tx := &peekTx{reqs: []*Request{{ID: 6, Team: "platform", User: "U1", Summary: "new laptop", CreatedAt: at}, stored}}
	team := &Team{Name: "platform", DuplicateWindow: 30 * time.Minute}
	dup, err := findDuplicate(tx, &wordCache{}, team, NewRequest{User: "U1", Summary: "Deploy is stuck!"}, at.Add(time.Minute))
	if err != nil || dup == nil || dup.ID != 7 {
		t.Fatalf("findDuplicate = %v, %v; want request 7", dup, err)
	}
	if tx.peeks != 1 {
		t.Errorf("%d peeks, want 1", tx.peeks)
	}
	if dup == stored {
		t.Error("it handed back the store's own request, which intake then changes")
	}
}
