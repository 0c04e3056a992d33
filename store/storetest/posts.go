package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// testAddPosts covers AddPosts: the posts it adds are the request's from
// then on, in order, each channel and ts once, through every way of
// reading the request and after the request is saved whole again; a
// failed Update keeps none, and there is no request to add them to
// without one.
func testAddPosts(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	reply := triage.Post{Kind: triage.PostReply, Channel: "C1", TS: "1.1"}
	dm := triage.Post{Kind: triage.PostOnCall, Channel: "D1", TS: "2.1"}
	paged := triage.Post{Kind: triage.PostChannel, Channel: "C9", TS: "2.2"}
	r := besideRequest()
	r.Posts = []triage.Post{reply}
	Put(t, db, r)

	MustUpdate(t, db, func(tx triage.Tx) error {
		// The reply again (a job run twice) is kept once.
		return tx.AddPosts(1, dm, reply, paged, dm)
	})
	want := []triage.Post{reply, dm, paged}
	check := func(step string) {
		t.Helper()
		checkEveryRead(t, db, step, func(got *triage.Request) bool { return slices.Equal(got.Posts, want) },
			func() string { return fmt.Sprintf("posts %+v", want) }, nil)
	}
	check("after AddPosts")

	late := triage.Post{Kind: triage.PostEscalation, Channel: "D2", TS: "3.1"}
	keptBeside(t, db, "AddPosts", func(tx triage.Tx, id int64) error { return tx.AddPosts(id, late) }, check)

	MustUpdate(t, db, func(tx triage.Tx) error { return tx.AddPosts(1, late) })
	want = append(want, late)
	check("after a second AddPosts")
}

// besideRequest is request 1 of the AddPosts and PutSimilar cases, the
// one everyRead reads.
func besideRequest() *triage.Request {
	r := Request(1, "platform", T0)
	r.Channel, r.TS, r.Ticket.Key = "C1", "1.0", "REQ-1"
	return r
}

// everyRead returns each way of reading besideRequest.
func everyRead(tx triage.Tx) map[string]func() (*triage.Request, error) {
	return map[string]func() (*triage.Request, error){
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
}

// checkEveryRead reads besideRequest every way (everyRead) in one View
// and fails the test, at step, for each read that gives no request or one
// that ok refuses; want says what was wanted. also, when not nil, runs in
// the same View for what else the step must hold.
func checkEveryRead(t *testing.T, db Store, step string, ok func(*triage.Request) bool, want func() string, also func(tx triage.Tx) error) {
	t.Helper()
	err := db.View(func(tx triage.Tx) error {
		for name, read := range everyRead(tx) {
			got, err := read()
			if err != nil {
				return err
			}
			if got == nil || !ok(got) {
				t.Errorf("%s: %s gave %+v, want %s", step, name, got, want())
			}
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// keptBeside runs the steps that AddPosts and PutSimilar, which keep
// something beside a request, must both pass once check passes: the
// request saved whole, as a button press does, keeps it; a failed Update
// keeps nothing of another call of keep; a View refuses it, and there is
// no request to keep it beside without one.
func keptBeside(t *testing.T, db Store, name string, keep func(tx triage.Tx, id int64) error, check func(step string)) {
	t.Helper()
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
		if err := keep(tx, 1); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failed update: %v", err)
	}
	check("after a failed Update")

	if err := db.View(func(tx triage.Tx) error { return keep(tx, 1) }); err == nil {
		t.Errorf("%s in View succeeded", name)
	}
	err := db.Update(func(tx triage.Tx) error { return keep(tx, 404) })
	WantNotFound(t, name+" on a request never put", err)
}
