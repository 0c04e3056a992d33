package memory_test

import (
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// TestPutSimilarAgreesWithBolt sets a request's similar requests, twice,
// then reads and rewrites the request: the in-memory store must keep them
// as store.DB does.
func TestPutSimilarAgreesWithBolt(t *testing.T) {
	b := newBoth(t)
	b.same("put", func(tx triage.Tx) (any, error) { return nil, tx.PutRequest(req(1, "platform", "U1", t0)) })
	found := []triage.Similar{{ID: 7, Ref: "REQ-7", Summary: "the VPN drops", Urgency: classifier.P2, Status: triage.StatusResolved},
		{ID: 3, Ref: "request 3", Summary: "VPN token reset", Urgency: classifier.P3, Status: triage.StatusOpen}}
	similar := func(tx triage.Tx) (any, error) {
		r, err := tx.Request(1)
		if err != nil {
			return nil, err
		}
		return []any{r.SimilarDone, r.Similar}, nil
	}
	steps := []struct {
		name string
		fn   func(tx triage.Tx) (any, error)
	}{
		{"before", similar},
		{"set", func(tx triage.Tx) (any, error) { return nil, tx.PutSimilar(1, found) }},
		{"read", similar},
		{"set again", func(tx triage.Tx) (any, error) { return nil, tx.PutSimilar(1, found[1:]) }},
		{"no such request", func(tx triage.Tx) (any, error) { return nil, tx.PutSimilar(2, found) }},
		{"rewrite and read", func(tx triage.Tx) (any, error) {
			if _, err := rewrite(tx, 1); err != nil {
				return nil, err
			}
			return similar(tx)
		}},
	}
	for _, s := range steps {
		b.same(s.name, s.fn)
	}
	b.same("similar", func(tx triage.Tx) (any, error) {
		r, err := tx.Request(1)
		if err != nil {
			return nil, err
		}
		if !r.SimilarDone || len(r.Similar) != 1 || r.Similar[0].ID != 3 {
			t.Errorf("similar %+v (done %v), want request 3 and done", r.Similar, r.SimilarDone)
		}
		return nil, nil
	})
}
