package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func testLedger() *sprint.Ledger {
	l := sprint.NewLedger("platform", -3, sprint.Budget{Capacity: 60, Fraction: 0.2, Unit: "points", Thresholds: []float64{0.5, 0.8, 1}})
	at := time.Date(2026, 11, 17, 16, 0, 0, 123, time.UTC)
	l.Reserve("1", 3, at)
	l.Reserve("22", 2.5, at.Add(time.Hour))
	l.Settle("1", 4.25, at.Add(2*time.Hour))
	l.Reserve("333", 0, at.Add(3*time.Hour))
	return l
}

func TestLedgerEncodingRoundTrips(t *testing.T) {
	want := testLedger()
	if len(want.Crossed) == 0 {
		t.Fatal("the test ledger should have crossed a threshold")
	}
	b, err := encodeLedger(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeLedger(b)
	if err != nil {
		t.Fatal(err)
	}
	got.Used() // sums the charges once, as want did while they were reserved
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// Ledgers written as JSON by earlier builds still read.
	js, _ := json.Marshal(want)
	old, err := decodeLedger(js)
	if err != nil || old.Used() != want.Used() || len(old.Charges) != 3 {
		t.Errorf("JSON ledger: %v, used %g", err, old.Used())
	}
	for _, cut := range []int{1, 5, len(b) / 2, len(b) - 1} {
		if _, err := decodeLedger(b[:cut]); err == nil {
			t.Errorf("a ledger cut at %d of %d bytes decoded without error", cut, len(b))
		}
	}
	if _, err := decodeLedger([]byte{9, 9}); err == nil || errors.Is(err, errShortLedger) {
		t.Errorf("unknown encoding: %v", err)
	}
}

// putOldLedger writes l as schema 5 did, all charges in one value: for
// the tests of the migrations.
func putOldLedger(t triage.Tx, l *sprint.Ledger) error {
	v, err := encodeLedger(l)
	if err != nil {
		return err
	}
	return t.(*tx).b.Bucket(bucketLedgers).Put(ledgerKey(l.Team, l.Sprint), v)
}

// TestMigrateV5SplitsLedgers writes ledgers as schema 5 did (and one as
// the JSON of earlier ones) and checks that schema 6 reads the same
// totals and charges, and charges one request without the others.
func TestMigrateV5SplitsLedgers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sg.db")
	db := openAt(t, path, Options{})
	old := testLedger()
	js := testLedger()
	js.Sprint = 7
	err := db.Update(func(t triage.Tx) error {
		if err := putOldLedger(t, old); err != nil {
			return err
		}
		v, err := json.Marshal(js)
		if err != nil {
			return err
		}
		return t.(*tx).b.Bucket(bucketLedgers).Put(ledgerKey(js.Team, js.Sprint), v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(b *bolt.Tx) error { return b.Bucket(bucketMeta).Put(keySchemaVersion, u64(5)) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openAt(t, path, Options{})
	for _, want := range []*sprint.Ledger{old, js} {
		var got *sprint.Ledger
		if err := db.View(func(tx triage.Tx) (err error) { got, err = tx.Ledger(want.Team, want.Sprint); return err }); err != nil {
			t.Fatalf("sprint %d: %v", want.Sprint, err)
		}
		if got.Used() != want.Used() || !reflect.DeepEqual(got.Charges, want.Charges) || !reflect.DeepEqual(got.Crossed, want.Crossed) {
			t.Errorf("sprint %d after the migration: used %g, charges %v; want %g, %v", want.Sprint, got.Used(), got.Charges, want.Used(), want.Charges)
		}
	}
	// Charging one more request reads and writes its charge and the total.
	err = db.Update(func(t triage.Tx) error {
		l, err := t.(*tx).LedgerFor("platform", -3, "4444")
		if err != nil {
			return err
		}
		if len(l.Charges) != 0 || l.Used() != old.Used() {
			return fmt.Errorf("partial ledger holds %v, used %g; want no charge, used %g", l.Charges, l.Used(), old.Used())
		}
		l.Reserve("4444", 1.5, t0)
		return t.PutLedger(l)
	})
	if err != nil {
		t.Fatal(err)
	}
	var full *sprint.Ledger
	db.View(func(tx triage.Tx) (err error) { full, err = tx.Ledger("platform", -3); return err })
	if len(full.Charges) != 4 || full.Used() != old.Used()+1.5 {
		t.Errorf("after charging one more: %d charges, used %g; want 4 and %g", len(full.Charges), full.Used(), old.Used()+1.5)
	}
	// Releasing it from a partial ledger removes its charge only.
	err = db.Update(func(t triage.Tx) error {
		l, err := t.(*tx).LedgerFor("platform", -3, "4444", "22")
		if err != nil {
			return err
		}
		l.Release("4444")
		return t.PutLedger(l)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx triage.Tx) (err error) { full, err = tx.Ledger("platform", -3); return err })
	if !reflect.DeepEqual(full.Charges, old.Charges) || full.Used() != old.Used() {
		t.Errorf("after the release: charges %v, used %g; want %v, %g", full.Charges, full.Used(), old.Charges, old.Used())
	}
}
