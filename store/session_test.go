package store

import (
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

func TestSessionCommitsInBatches(t *testing.T) {
	path := t.TempDir() + "/sg.db"
	db := openAt(t, path, Options{})
	ses := db.Session(2)
	for i := int64(1); i <= 3; i++ {
		if err := ses.Update(func(tx triage.Tx) error { return tx.PutRequest(testRequest(i, "platform", t0)) }); err != nil {
			t.Fatal(err)
		}
	}
	// The third request is not committed yet, but the session sees it.
	n := 0
	ses.View(func(tx triage.Tx) error {
		return tx.Requests("platform", t0, t0.Add(time.Second), func(*triage.Request) error { n++; return nil })
	})
	if n != 3 {
		t.Errorf("session sees %d requests, want 3", n)
	}
	// A failing update rolls back everything since the last commit, and
	// the session refuses further work.
	boom := errors.New("boom")
	if err := ses.Update(func(tx triage.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("failing update: %v", err)
	}
	if err := ses.Update(func(tx triage.Tx) error { return nil }); !errors.Is(err, ErrSessionFailed) {
		t.Errorf("update after a failure: %v, want ErrSessionFailed", err)
	}
	if err := ses.Close(); !errors.Is(err, ErrSessionFailed) {
		t.Errorf("Close of a failed session: %v", err)
	}
	if got := ids(t, db, "platform", t0, t0.Add(time.Second)); len(got) != 2 {
		t.Errorf("committed requests %v, want the first two only", got)
	}

	ok := db.Session(100)
	if err := ok.Update(func(tx triage.Tx) error { return tx.PutRequest(testRequest(9, "platform", t0)) }); err != nil {
		t.Fatal(err)
	}
	if err := ok.Close(); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, db, "platform", t0, t0.Add(time.Second)); len(got) != 3 {
		t.Errorf("after Close, requests %v, want 3", got)
	}
}
