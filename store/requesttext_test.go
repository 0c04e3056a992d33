package store

import (
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
