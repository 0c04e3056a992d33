package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/triage"
)

func TestMigrateV7FoldsDeliveryClaims(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sg.db")
	db := openAt(t, path, Options{})
	// What schema 6 left: a delivery claim alone (accepted, not yet made
	// into a request), and two beside the event claims of the requests
	// they made, one expiring before its delivery claim, one after.
	old := []struct {
		key, value string
		at         time.Time
		ttl        time.Duration
	}{
		{"delivery:EvA", "", t0, time.Hour},
		{"delivery:EvB", "", t0, 3 * time.Hour},
		{"event:EvB", "7", t0.Add(time.Minute), 2 * time.Hour},
		{"delivery:EvC", "", t0, time.Hour},
		{"event:EvC", "8", t0.Add(time.Minute), 5 * time.Hour},
	}
	err := db.Update(func(tx triage.Tx) error {
		for _, c := range old {
			if _, _, err := tx.Claim(c.key, c.value, c.at, c.at.Add(c.ttl)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(b *bolt.Tx) error { return b.Bucket(bucketMeta).Put(keySchemaVersion, u64(6)) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openAt(t, path, Options{})
	for _, c := range []struct {
		key, value string
		until      time.Time
	}{
		{"event:EvA", "", t0.Add(time.Hour)},
		{"event:EvB", "7", t0.Add(3 * time.Hour)},
		{"event:EvC", "8", t0.Add(time.Minute + 5*time.Hour)},
	} {
		db.View(func(tx triage.Tx) error {
			if v, ok, err := tx.Claimed(c.key, c.until.Add(-time.Nanosecond)); err != nil || !ok || v != c.value {
				t.Errorf("Claimed(%s) before %v = %q, %v, %v; want %q", c.key, c.until, v, ok, err, c.value)
			}
			if _, ok, _ := tx.Claimed(c.key, c.until); ok {
				t.Errorf("Claimed(%s) live at %v", c.key, c.until)
			}
			return nil
		})
	}
	// No delivery claim is left, and the expiry index has one entry per
	// claim, so that purging forgets each at its time.
	db.bolt.View(func(b *bolt.Tx) error {
		var keys []string
		b.Bucket(bucketClaims).ForEach(func(k, _ []byte) error { keys = append(keys, string(k)); return nil })
		if want := "[event:EvA event:EvB event:EvC]"; fmt.Sprint(keys) != want {
			t.Errorf("claims after the migration: %v, want %s", keys, want)
		}
		if n := b.Bucket(bucketClaimExp).Stats().KeyN; n != 3 {
			t.Errorf("%d entries in the claims' expiry index, want 3", n)
		}
		return nil
	})
	// A Slack retry of the delivery accepted before the upgrade is dropped.
	if dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvA", Received: t0.Add(time.Minute)}, time.Hour); err != nil || !dup {
		t.Errorf("retry of EvA after the upgrade: dup %v, %v; want a duplicate", dup, err)
	}
}

// Settle fills a placeholder in its expiry index entry and leaves the
// claim, keyed by a random event id, as the acknowledgement wrote it;
// every read finds the value there.
func TestSettleFillsTheIndexEntry(t *testing.T) {
	db := openTest(t, Options{})
	key, until := triage.EventClaim("EvSettle"), t0.Add(time.Hour)
	storetest.MustUpdate(t, db, func(tx triage.Tx) error {
		if _, _, err := tx.Claim(key, "", t0, until); err != nil {
			return err
		}
		if v, fresh, err := tx.Settle(key, "42", t0, t0.Add(2*time.Hour)); err != nil || !fresh || v != "42" {
			t.Errorf("Settle = %q, %v, %v; want 42, fresh", v, fresh, err)
		}
		if v, fresh, err := tx.Settle(key, "43", t0, t0.Add(2*time.Hour)); err != nil || fresh || v != "42" {
			t.Errorf("second Settle = %q, %v, %v; want 42, not fresh", v, fresh, err)
		}
		return nil
	})
	_ = db.bolt.View(func(b *bolt.Tx) error {
		if v := b.Bucket(bucketClaims).Get([]byte(key)); len(v) != timeLen {
			t.Errorf("claim value = %q, want the expiry alone", v)
		}
		if v := b.Bucket(bucketClaimExp).Get(expiryKey(until, key)); string(v) != "42" {
			t.Errorf("index entry = %q, want 42", v)
		}
		return nil
	})
	_ = db.View(func(tx triage.Tx) error {
		if v, ok, err := tx.Claimed(key, t0); err != nil || !ok || v != "42" {
			t.Errorf("Claimed = %q, %v, %v; want 42", v, ok, err)
		}
		return nil
	})
	var got []string
	err := db.Export(context.Background(), transfer.Claims, func(r transfer.Record) error {
		got = append(got, r.Key+" "+string(r.Value))
		return nil
	})
	if want := `[event:EvSettle {"value":"42","expires":"2026-03-02T10:00:00Z"}]`; err != nil || fmt.Sprint(got) != want {
		t.Errorf("Export(claims) = %s, %v; want %s", got, err, want)
	}
}
