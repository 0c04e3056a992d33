package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// testPutSimilar covers PutSimilar: the list it sets is the request's from
// then on, with SimilarDone, through every way of reading the request and
// after the request is saved whole again; a second call replaces it, an
// empty list is kept as done with none; a failed Update keeps none, and
// there is no request to set it on without one.
func testPutSimilar(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	Put(t, db, besideRequest())
	other := Request(2, "platform", T0.Add(1))
	Put(t, db, other)

	found := []triage.Similar{
		{ID: 7, Ref: "REQ-7", Summary: "the VPN drops", Urgency: classifier.P2, Status: triage.StatusResolved, Resolver: "U1", Actual: 2, HasActual: true},
		{ID: 3, Ref: "request 3", Summary: "VPN token reset", Urgency: classifier.P3, Status: triage.StatusOpen},
	}
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutSimilar(1, found) })
	want := found
	check := func(step string) {
		t.Helper()
		checkEveryRead(t, db, step, func(got *triage.Request) bool { return got.SimilarDone && slices.Equal(got.Similar, want) },
			func() string { return fmt.Sprintf("similar %+v and done", want) },
			func(tx triage.Tx) error {
				o, err := tx.Request(2)
				if err != nil {
					return err
				}
				if o.SimilarDone || len(o.Similar) > 0 {
					t.Errorf("%s: request 2 has similar %+v (done %v), set on request 1 only", step, o.Similar, o.SimilarDone)
				}
				return nil
			})
	}
	check("after PutSimilar")

	keptBeside(t, db, "PutSimilar", func(tx triage.Tx, id int64) error { return tx.PutSimilar(id, found[1:]) }, check)

	MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutSimilar(1, found[1:]) })
	want = found[1:]
	check("after a second PutSimilar")

	MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutSimilar(1, nil) })
	want = nil
	check("after PutSimilar of none")
}
