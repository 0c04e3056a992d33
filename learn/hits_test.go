package learn_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

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

// vpnAsked is a world with four requests about an expired VPN
// certificate, three of them resolved with the time spent, and a fifth
// like them, which it returns.
func vpnAsked(t *testing.T) (*world, *triage.Request) {
	t.Helper()
	w := newWorld(t, true)
	for i, spent := range []float64{4, 1, 2, 3} {
		r := w.ask(t, fmt.Sprintf("VPN certificate expired on laptop %d", i))
		if i < 3 {
			w.resolve(t, r.ID, spent)
		}
	}
	return w, w.ask(t, "my VPN certificate expired")
}

// TestFinderReadsHitsAsEitherStoreOffers finds the same similar requests
// and estimate through the bbolt store's light read of a hit and through
// the whole read other stores offer, with resolved, open and assigned
// hits among them.
func TestFinderReadsHitsAsEitherStoreOffers(t *testing.T) {
	w, r := vpnAsked(t)
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

// TestFinderLoadsAsEitherStoreOffers builds the index up front (Load, as
// serve does at startup) through the bbolt store's walk of the texts and
// through the whole requests other stores offer, and finds what a Finder
// that built it on its first lookup finds.
func TestFinderLoadsAsEitherStoreOffers(t *testing.T) {
	w, r := vpnAsked(t)
	want, err := learn.NewFinder(w.db).Find(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]triage.Store{"texts": w.db, "whole": wholeReads{w.db}} {
		f := learn.NewFinder(s)
		if err := f.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, err := f.Find(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("loaded through the %s, found %+v\nbuilt on the lookup, found %+v", name, got, want)
		}
	}
}

// failOnce is a store whose first walk of the requests fails after the
// first four.
type failOnce struct {
	*store.DB
	failed bool
}

type failingTx struct {
	plainTx
	s *failOnce
}

func (s *failOnce) View(fn func(triage.Tx) error) error {
	return s.DB.View(func(tx triage.Tx) error { return fn(failingTx{plainTx{tx}, s}) })
}

func (tx failingTx) Requests(team string, from, to time.Time, fn func(*triage.Request) error) error {
	n := 0
	return tx.plainTx.Requests(team, from, to, func(r *triage.Request) error {
		if n++; n > 4 && !tx.s.failed {
			tx.s.failed = true
			return errors.New("disk on fire")
		}
		return fn(r)
	})
}

// TestFinderLoadFailsWhole fails a Load partway and looks up after it:
// the lookup walks the requests again, and finds what a Finder that never
// failed finds.
func TestFinderLoadFailsWhole(t *testing.T) {
	w, r := vpnAsked(t)
	want, err := learn.NewFinder(wholeReads{w.db}).Find(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	f := learn.NewFinder(&failOnce{DB: w.db})
	if err := f.Load(context.Background()); err == nil {
		t.Fatal("Load of a failing walk: no error")
	}
	got, err := f.Find(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after a failed Load, found %+v\nwant %+v", got, want)
	}
}
