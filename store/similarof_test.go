package store

import (
	"errors"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// TestSimilarRequestIsSimilarOfRequest reads requests as similar requests
// through the light read and through Request: the two agree whether the
// request is cached or not, and after another write changed it, on a DB
// and on a Session.
func TestSimilarRequestIsSimilarOfRequest(t *testing.T) {
	for i, st := range cachedStores(t) {
		t.Run(st.name, func(t *testing.T) {
			base := int64(10 * i)
			resolved := testRequest(base+1, "platform", t0)
			resolved.Ticket.Key = "REQ-1"
			resolved.Status, resolved.Assignee = triage.StatusResolved, "U9"
			resolved.Actual, resolved.HasActual = 2.5, true
			resolved.Events = []triage.Event{{Kind: triage.ActResolve, Actor: "U7"}, {Kind: triage.ActResolve, Actor: "U8"}}
			open := testRequest(base+2, "platform", t0)
			open.Assignee = "U5"
			put(t, st.s, resolved, open)
			if err := st.s.Update(func(tx triage.Tx) error {
				// Kept beside: a similar request shows neither.
				if err := tx.AddPosts(base+2, triage.Post{Kind: triage.PostOnCall, Channel: "D1", TS: "1.2"}); err != nil {
					return err
				}
				return tx.PutSimilar(base+2, []triage.Similar{triage.SimilarOf(resolved)})
			}); err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				t.Helper()
				st.s.View(func(v triage.Tx) error {
					for _, id := range []int64{base + 1, base + 2} {
						r, err := v.Request(id)
						if err != nil {
							t.Fatalf("%s: Request(%d): %v", when, id, err)
						}
						want := triage.SimilarOf(r)
						got, err := v.(*tx).SimilarRequest(id)
						if err != nil || got != want {
							t.Errorf("%s: SimilarRequest(%d) = %+v, %v; want %+v", when, id, got, err, want)
						}
					}
					if _, err := v.(*tx).SimilarRequest(base + 3); !errors.Is(err, triage.ErrNotFound) {
						t.Errorf("%s: SimilarRequest of a missing request: %v, want ErrNotFound", when, err)
					}
					return nil
				})
			}
			check("cached")
			st.cache.reset()
			check("not cached")
			open.Status, open.Ticket.Key = triage.StatusResolved, "REQ-2"
			put(t, st.s, open)
			check("after a change")
		})
	}
}

// cachedStore is a store whose request cache a test can empty.
type cachedStore struct {
	name  string
	s     triage.Store
	cache *requestCache
}

// cachedStores opens a DB and a Session on it, closed when t ends.
func cachedStores(t *testing.T) []cachedStore {
	t.Helper()
	db := openTest(t, Options{})
	ses := db.Session(100)
	t.Cleanup(func() { ses.Close() })
	return []cachedStore{{"db", db, db.cache}, {"session", ses, ses.cache}}
}
