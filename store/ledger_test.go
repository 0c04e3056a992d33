package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
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
