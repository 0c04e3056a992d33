package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

func testInboxAcceptsEachKeyOnce(t *testing.T, d Driver) {
	f := newFixture(t, d)
	db := f.Open(Options{})
	// Slack delivers event Ev0 three times (retries) while 20 others arrive.
	var wg sync.WaitGroup
	var mu sync.Mutex
	dups := 0
	for i := range 23 {
		key := fmt.Sprintf("Ev%d", max(i-2, 0))
		wg.Go(func() {
			d := &triage.Delivery{Kind: "event", Key: key, Body: []byte(`{"event_id":"` + key + `"}`), Received: T0}
			dup, err := db.Accept(d, time.Hour)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if dup {
				dups++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	pending, err := db.Pending(100)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 21 || dups != 2 {
		t.Fatalf("%d pending, %d duplicates; want 21 and 2", len(pending), dups)
	}
	for i := 1; i < len(pending); i++ {
		if pending[i].Seq <= pending[i-1].Seq {
			t.Fatalf("pending out of order at %d", i)
		}
	}
	for _, p := range pending {
		if want := `{"event_id":"` + p.Key + `"}`; string(p.Body) != want || p.Kind != "event" || !p.Received.Equal(T0) {
			t.Errorf("pending delivery %d = %+v, want body %s", p.Seq, p, want)
		}
	}
	if got, err := db.Pending(5); err != nil || len(got) != 5 || got[0].Seq != pending[0].Seq {
		t.Errorf("Pending(5) = %d deliveries, %v; want the 5 oldest", len(got), err)
	}
	if err := db.Done(pending[0].Seq); err != nil {
		t.Fatal(err)
	}
	if err := db.Done(pending[0].Seq); err != nil {
		t.Errorf("second Done: %v", err)
	}

	// A crash before processing: the rest are still there after reopening,
	// at the latest once the crashed process's lease on them has passed.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = f.Open(Options{Now: func() time.Time { return time.Now().Add(time.Hour) }, Lease: time.Minute})
	again, err := db.Pending(100)
	if err != nil || len(again) != 20 {
		t.Fatalf("after reopening: %d pending, %v; want 20", len(again), err)
	}
	// A retry after the key expired is a new delivery; within the ttl it is not.
	for _, c := range []struct {
		at  time.Time
		dup bool
	}{{T0.Add(59 * time.Minute), true}, {T0.Add(time.Hour), false}} {
		dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "Ev0", Received: c.at}, time.Hour)
		if err != nil || dup != c.dup {
			t.Errorf("Accept at %v: dup=%v %v, want %v", c.at, dup, err, c.dup)
		}
	}
}

// The key of an accepted delivery is claimed once, in the claim intake
// fills with the request it makes: empty until then, and a retry is a
// duplicate before and after.
func testAcceptTakesTheEventClaim(t *testing.T, d Driver) {
	f := newFixture(t, d)
	db := f.Open(Options{})
	key := triage.EventClaim("EvOnce")
	if dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvOnce", Received: T0}, time.Hour); err != nil || dup {
		t.Fatalf("Accept = dup %v, %v", dup, err)
	}
	// A store may hold the claim beside the transactions' data until its
	// inbox takes the delivery in (bbolt's journal): until then Claimed
	// may not see it, which intake reads as it reads an empty claim. Once
	// the delivery is pending, the claim is live and empty.
	db.View(func(tx triage.Tx) error {
		if v, ok, err := tx.Claimed(key, T0.Add(59*time.Minute)); err != nil || v != "" {
			t.Errorf("after Accept, Claimed(%s) = %q, %v, %v; want an empty live claim or none", key, v, ok, err)
		}
		return nil
	})
	if pending, err := db.Pending(10); err != nil || len(pending) != 1 {
		t.Fatalf("after Accept, Pending = %d deliveries, %v; want 1", len(pending), err)
	}
	db.View(func(tx triage.Tx) error {
		if v, ok, err := tx.Claimed(key, T0.Add(59*time.Minute)); err != nil || !ok || v != "" {
			t.Errorf("once pending, Claimed(%s) = %q, %v, %v; want an empty live claim", key, v, ok, err)
		}
		return nil
	})
	err := db.Update(func(tx triage.Tx) error {
		if v, fresh, err := tx.Settle(key, "7", T0.Add(time.Minute), T0.Add(24*time.Hour)); err != nil || !fresh || v != "7" {
			return fmt.Errorf("Settle = %q, %v, %v; want 7, true", v, fresh, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvOnce", Received: T0.Add(2 * time.Minute)}, time.Hour); err != nil || !dup {
		t.Errorf("a retry after the request was made: dup %v, %v; want a duplicate", dup, err)
	}
	db.View(func(tx triage.Tx) error {
		if v, ok, err := tx.Claimed(key, T0.Add(3*time.Minute)); err != nil || !ok || v != "7" {
			t.Errorf("after the retry, Claimed(%s) = %q, %v, %v; want 7", key, v, ok, err)
		}
		return nil
	})
}

// The inbox is a queue read with a cursor: PendingAfter pages through the
// deliveries not done, in the order they were accepted, each once, and a
// reader that resumes at the last Seq it saw finds only what came after,
// a delivery accepted meanwhile included.
func testInboxResumesAtItsCursor(t *testing.T, d Driver) {
	db := newFixture(t, d).Open(Options{})
	accept := func(key string) uint64 {
		t.Helper()
		dl := &triage.Delivery{Kind: "event", Key: key, Received: T0}
		if _, err := db.Accept(dl, time.Hour); err != nil {
			t.Fatal(err)
		}
		return dl.Seq
	}
	var want []string
	for i := range 10 {
		key := fmt.Sprint("Ev", i)
		seq := accept(key)
		if i == 2 || i == 5 {
			if err := db.Done(seq); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want = append(want, key)
	}
	read := func(after uint64) (keys []string, last uint64) {
		t.Helper()
		last = after
		for {
			page, err := db.PendingAfter(last, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				if p.Seq <= last {
					t.Fatalf("delivery %d after the cursor at %d", p.Seq, last)
				}
				keys, last = append(keys, p.Key), p.Seq
			}
			if len(page) < 3 {
				return keys, last
			}
		}
	}
	got, cursor := read(0)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("paged through %v, want %v", got, want)
	}
	if more, _ := read(cursor); len(more) != 0 {
		t.Errorf("past the last delivery: %v", more)
	}
	accept("EvLate")
	if more, _ := read(cursor); fmt.Sprint(more) != "[EvLate]" {
		t.Errorf("resuming at the cursor: %v, want [EvLate]", more)
	}
}

// A delivery whose event intake claimed without an Accept (a message read
// back from the channel, a delivery of an older version) is a duplicate
// when Slack delivers it again, after a restart too, until the claim
// expires.
func testAcceptRefusesWhatIntakeClaimed(t *testing.T, d Driver) {
	f := newFixture(t, d)
	db := f.Open(Options{})
	MustUpdate(t, db, func(tx triage.Tx) error {
		_, _, err := tx.Settle(triage.EventClaim("EvIntake"), "5", T0, T0.Add(time.Hour))
		return err
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = f.Open(Options{})
	for _, c := range []struct {
		at  time.Time
		dup bool
	}{{T0.Add(time.Minute), true}, {T0.Add(time.Hour - time.Nanosecond), true}, {T0.Add(time.Hour), false}} {
		dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvIntake", Received: c.at}, time.Hour)
		if err != nil || dup != c.dup {
			t.Errorf("Accept at +%v after the restart = dup %v, %v; want %v", c.at.Sub(T0), dup, err, c.dup)
		}
	}
}

// A claim PurgeExpired removed blocks nothing any more, whatever the
// delivery's Received time: the store keeps no copy of it anywhere.
func testPurgedClaimBlocksNothing(t *testing.T, d Driver) {
	db := newFixture(t, d).Open(Options{})
	MustUpdate(t, db, func(tx triage.Tx) error {
		_, _, err := tx.Claim(triage.EventClaim("EvOld"), "3", T0, T0.Add(time.Hour))
		return err
	})
	if dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvOld", Received: T0.Add(30 * time.Minute)}, time.Hour); err != nil || !dup {
		t.Fatalf("Accept of a claimed key = dup %v, %v; want a duplicate", dup, err)
	}
	if n, err := db.PurgeExpired(T0.Add(2 * time.Hour)); err != nil || n != 1 {
		t.Fatalf("PurgeExpired = %d, %v; want 1", n, err)
	}
	if dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvOld", Received: T0.Add(30 * time.Minute)}, time.Hour); err != nil || dup {
		t.Errorf("Accept after the purge = dup %v, %v; want a new delivery", dup, err)
	}
	if pending, err := db.Pending(10); err != nil || len(pending) != 1 || pending[0].Key != "EvOld" {
		t.Errorf("Pending = %v, %v; want EvOld", pending, err)
	}
}
