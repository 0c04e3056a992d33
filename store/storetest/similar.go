package storetest

import (
	"errors"
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
	r := Request(1, "platform", T0)
	r.Channel, r.TS, r.Ticket.Key = "C1", "1.0", "REQ-1"
	Put(t, db, r)
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
		err := db.View(func(tx triage.Tx) error {
			reads := map[string]func() (*triage.Request, error){
				"Request":          func() (*triage.Request, error) { return tx.Request(1) },
				"RequestByTicket":  func() (*triage.Request, error) { return tx.RequestByTicket("REQ-1") },
				"RequestByMessage": func() (*triage.Request, error) { return tx.RequestByMessage("C1", "1.0") },
				"Requests": func() (got *triage.Request, err error) {
					err = tx.Requests("platform", T0, T0.Add(1), func(r *triage.Request) error {
						got = r
						return nil
					})
					return got, err
				},
			}
			for name, read := range reads {
				got, err := read()
				if err != nil {
					return err
				}
				if got == nil || !got.SimilarDone || !slices.Equal(got.Similar, want) {
					t.Errorf("%s: %s gave %+v, want similar %+v and done", step, name, got, want)
				}
			}
			o, err := tx.Request(2)
			if err != nil {
				return err
			}
			if o.SimilarDone || len(o.Similar) > 0 {
				t.Errorf("%s: request 2 has similar %+v (done %v), set on request 1 only", step, o.Similar, o.SimilarDone)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	check("after PutSimilar")

	// The request saved whole, as a button press does, keeps them.
	MustUpdate(t, db, func(tx triage.Tx) error {
		cur, err := tx.Request(1)
		if err != nil {
			return err
		}
		cur.Status = triage.StatusAcknowledged
		return tx.PutRequest(cur)
	})
	check("after PutRequest")

	boom := errors.New("boom")
	if err := db.Update(func(tx triage.Tx) error {
		if err := tx.PutSimilar(1, found[1:]); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failed update: %v", err)
	}
	check("after a failed Update")

	if err := db.View(func(tx triage.Tx) error { return tx.PutSimilar(1, found) }); err == nil {
		t.Error("PutSimilar in View succeeded")
	}
	err := db.Update(func(tx triage.Tx) error { return tx.PutSimilar(404, found) })
	WantNotFound(t, "PutSimilar on a request never put", err)

	MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutSimilar(1, found[1:]) })
	want = found[1:]
	check("after a second PutSimilar")

	MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutSimilar(1, nil) })
	want = nil
	check("after PutSimilar of none")
}
