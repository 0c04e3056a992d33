package learn_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// wholeReads is a store whose transactions offer only triage.Tx, as the
// memory and PostgreSQL stores' do: the Finder reads each hit whole.
type wholeReads struct{ *store.DB }

type plainTx struct{ triage.Tx }

func (s wholeReads) View(fn func(triage.Tx) error) error {
	return s.DB.View(func(tx triage.Tx) error { return fn(plainTx{tx}) })
}

// TestFinderReadsHitsAsEitherStoreOffers finds the same similar requests
// and estimate through the bbolt store's light read of a hit and through
// the whole read other stores offer, with resolved, open and assigned
// hits among them.
func TestFinderReadsHitsAsEitherStoreOffers(t *testing.T) {
	w := newWorld(t, true)
	for i, spent := range []float64{4, 1, 2, 3} {
		r := w.ask(t, fmt.Sprintf("VPN certificate expired on laptop %d", i))
		if i < 3 {
			w.resolve(t, r.ID, spent)
		}
	}
	r := w.ask(t, "my VPN certificate expired")
	got, err := learn.NewFinder(w.db).Find(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	want, err := learn.NewFinder(wholeReads{w.db}).Find(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("light reads found %+v\nwhole reads found %+v", got, want)
	}
	if len(got.Similar) != learn.Shown || !got.HasEstimate {
		t.Errorf("found %+v, want %d similar requests and an estimate", got, learn.Shown)
	}
}
