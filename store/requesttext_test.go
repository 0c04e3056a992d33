package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// TestRequestTextIsTextOfRequest reads requests through the light read
// that the similar-request job uses and through Request: the two agree
// whether the request is cached or not, after a write changed its text,
// for a request whose text retention purged, one with the time spent, and
// one whose similar requests are kept beside it (SimilarDone), on a DB and
// on a Session.
func TestRequestTextIsTextOfRequest(t *testing.T) {
	for i, st := range cachedStores(t) {
		t.Run(st.name, func(t *testing.T) {
			base := int64(10 * i)
			long := testRequest(base+1, "platform", t0)
			long.Details = "the deploy of checkout is stuck\nsince 9:40, see the logs"
			long.Events = []triage.Event{{Kind: triage.ActResolve, Actor: "U7"}}
			long.Actual, long.HasActual = 2, true
			purged := testRequest(base+2, "data", t0)
			purged.Summary, purged.Purged = "", true
			looked := testRequest(base+3, "data", t0)
			put(t, st.s, long, purged, looked)
			if err := st.s.Update(func(tx triage.Tx) error { return tx.PutSimilar(base+3, []triage.Similar{triage.SimilarOf(long)}) }); err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				t.Helper()
				st.s.View(func(v triage.Tx) error {
					for _, id := range []int64{base + 1, base + 2, base + 3} {
						// First, as Request fills the cache.
						got, err := triage.RequestText(v, id)
						r, rerr := v.Request(id)
						if rerr != nil {
							t.Fatalf("%s: Request(%d): %v", when, id, rerr)
						}
						if want := triage.TextOf(r); err != nil || !reflect.DeepEqual(got, want) {
							t.Errorf("%s: RequestText(%d) = %+v, %v; want %+v", when, id, got, err, want)
						}
					}
					if _, err := triage.RequestText(v, base+4); !errors.Is(err, triage.ErrNotFound) {
						t.Errorf("%s: RequestText of a missing request: %v, want ErrNotFound", when, err)
					}
					return nil
				})
			}
			check("cached")
			st.cache.reset()
			check("not cached")
			long.Summary, long.Details = "checkout deploys are stuck again", ""
			put(t, st.s, long)
			check("after a change")
		})
	}
}

// requestTextCases are stored requests and near misses of them: the scan
// reads the first as it is written, and leaves the others to
// encoding/json.
var requestTextCases = func() [][]byte {
	r := testRequest(42, "platform", t0)
	r.Details = "the deploy is stuck \"again\"\n\u00e9t\u00e9 \u2028"
	r.Events = []triage.Event{{Kind: triage.ActResolve, Actor: "U7"}}
	r.Actual, r.HasActual, r.SimilarDone, r.Purged = 2, true, true, true
	stored, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	cases := [][]byte{stored}
	for _, c := range []string{
		`{"id":7,"team":"a","summary":"s","details":"d","purged":false,"similar_done":true,"has_actual":false}`,
		` { "id" : 7 , "team" : "a\u00e9\n" } `,
		`{"ID":7}`, `{"Team":"a"}`, `{"id":7.5}`, `{"id":7e2}`, `{"id":-0}`, `{"id":99999999999999999999}`,
		`{"id":null}`, `{"team":null}`, `{"purged":null}`, `{"purged":"true"}`, `{"purged":truex}`,
		`{"team":"a","team":"b"}`, `{"id":1} x`, `{"summary":"\ud800"}`, "{\"summary\":\"\xff\"}",
		`{"other":{"id":5,"team":["x",{"y":null}]},"id":3}`, `[]`, `{`, ``,
	} {
		cases = append(cases, []byte(c))
	}
	return cases
}()

// TestRequestTextScansStoredRequests checks that a request as the store
// writes it is read by the scan, not handed to encoding/json, and that
// every case is read as encoding/json reads it.
func TestRequestTextScansStoredRequests(t *testing.T) {
	if !scanText(requestTextCases[0], new(triage.Request)) {
		t.Fatalf("the scan declined a stored request: %s", requestTextCases[0])
	}
	for _, c := range requestTextCases {
		checkDecode(t, c)
	}
}

// TestRequestTextKeepsTheRequest reads a request's text that is not in
// the cache: the request is then there, for the reads of it that follow
// (SetSimilar's in the writer, its notices'), and what RequestText handed
// out is the caller's to change.
func TestRequestTextKeepsTheRequest(t *testing.T) {
	for i, st := range cachedStores(t) {
		t.Run(st.name, func(t *testing.T) {
			want := testRequest(int64(100+i), "platform", t0)
			want.Details = "since the upgrade"
			put(t, st.s, want)
			st.cache.reset()
			st.s.View(func(tx triage.Tx) error {
				got, err := triage.RequestText(tx, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				got.Summary, got.Details = "changed", "changed"
				return nil
			})
			if !cached(st.cache, want.ID) {
				t.Fatalf("request %d not in the cache after RequestText", want.ID)
			}
			st.s.View(func(tx triage.Tx) error {
				r, err := tx.Request(want.ID)
				if err != nil {
					t.Fatal(err)
				}
				if r.Summary != want.Summary || r.Details != want.Details {
					t.Errorf("Request after RequestText: summary %q, details %q; want %q, %q", r.Summary, r.Details, want.Summary, want.Details)
				}
				return nil
			})
		})
	}
}

// cached reports whether c holds request id.
func cached(c *requestCache, id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.m[id]
	if !ok {
		_, ok = c.old[id]
	}
	return ok
}

// TestRequestTextsWalksEveryText walks the requests' texts as the
// similar-request index's build does: every request once, in id order,
// as RequestText reads it but for SimilarDone, a purged one included.
func TestRequestTextsWalksEveryText(t *testing.T) {
	s := openTest(t, Options{})
	long := testRequest(1, "platform", t0)
	long.Details = "the deploy of checkout is stuck\nsince 9:40"
	long.Actual, long.HasActual = 2, true
	purged := testRequest(2, "data", t0)
	purged.Summary, purged.Purged = "", true
	put(t, s, testRequest(3, "data", t0), long, purged)
	s.View(func(v triage.Tx) error {
		var got []*triage.Request
		if err := v.(*tx).RequestTexts(func(r *triage.Request) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("RequestTexts walked %d requests, want 3", len(got))
		}
		for i, r := range got {
			want, err := triage.RequestText(v, int64(i+1))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r, want) {
				t.Errorf("RequestTexts' request %d = %+v, want %+v", i+1, r, want)
			}
		}
		return nil
	})
}
