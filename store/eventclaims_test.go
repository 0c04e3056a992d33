package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/triage"
)

// fileEventClaims reads the file's event claims: delivery key to expiry.
func fileEventClaims(t *testing.T, db *DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := db.bolt.View(func(b *bolt.Tx) error {
		return b.Bucket(bucketClaims).ForEach(func(k, v []byte) error {
			if key, ok := eventKey(string(k)); ok {
				out[key] = UnixNanos(decodeTime(v[:timeLen]))
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// memoryEventClaims is what Accept reads.
func memoryEventClaims(db *DB) map[string]int64 {
	db.claims.mu.RLock()
	defer db.claims.mu.RUnlock()
	out := map[string]int64{}
	for k, e := range db.claims.m {
		out[k] = e.until
	}
	return out
}

// The memory of event claims follows the file through everything that
// writes or deletes one, and nothing that is rolled back reaches it.
func TestEventClaimsFollowTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sprintguard.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	claim := func(key, value string, at time.Time, ttl time.Duration) func(triage.Tx) error {
		return func(tx triage.Tx) error {
			_, _, err := tx.Claim(key, value, at, at.Add(ttl))
			return err
		}
	}
	update := func(fn func(triage.Tx) error) error { return db.Update(fn) }
	errRolledBack := errors.New("rolled back")
	steps := []struct {
		name string
		do   func() error
		want []string // the delivery keys expected in memory after the step
	}{
		{"intake claims", func() error { return update(claim(triage.EventClaim("EvA"), "1", t0, time.Hour)) }, []string{"EvA"}},
		{"other claims stay out", func() error { return update(claim("posted:x", "1", t0, time.Hour)) }, []string{"EvA"}},
		{"a failed update leaves nothing", func() error {
			err := update(func(tx triage.Tx) error {
				if err := claim(triage.EventClaim("EvRolled"), "", t0, time.Hour)(tx); err != nil {
					return err
				}
				return errRolledBack
			})
			if !errors.Is(err, errRolledBack) {
				return fmt.Errorf("update = %v, want it rolled back", err)
			}
			return nil
		}, []string{"EvA"}},
		{"accepted and moved", func() error {
			if _, err := db.Accept(delivery("EvB"), time.Hour); err != nil {
				return err
			}
			_, err := db.Pending(10) // takes the journal in
			return err
		}, []string{"EvA", "EvB"}},
		{"settled keeps its expiry", func() error {
			return update(func(tx triage.Tx) error {
				_, _, err := tx.Settle(triage.EventClaim("EvB"), "2", t0, t0.Add(48*time.Hour))
				return err
			})
		}, []string{"EvA", "EvB"}},
		{"an expired claim taken again", func() error {
			return update(claim(triage.EventClaim("EvA"), "3", t0.Add(2*time.Hour), time.Hour))
		}, []string{"EvA", "EvB"}},
		{"a session's commit", func() error {
			s := db.Session(10)
			if err := s.Update(claim(triage.EventClaim("EvS"), "", t0, 3*time.Hour)); err != nil {
				return err
			}
			return s.Close()
		}, []string{"EvA", "EvB", "EvS"}},
		{"a failed session's work", func() error {
			s := db.Session(10)
			_ = s.Update(claim(triage.EventClaim("EvS2"), "", t0, time.Hour))
			_ = s.Update(func(triage.Tx) error { return errRolledBack })
			if err := s.Close(); !errors.Is(err, ErrSessionFailed) {
				return fmt.Errorf("Close = %v, want the session failed", err)
			}
			return nil
		}, []string{"EvA", "EvB", "EvS"}},
		{"imported", func() error {
			v, _ := json.Marshal(transfer.Claim{Value: "9", Expires: t0.Add(5 * time.Hour)})
			w, _ := json.Marshal(transfer.Claim{Value: "", Expires: t0.Add(30 * time.Minute)})
			return db.Import(context.Background(), transfer.Claims, []transfer.Record{
				{Key: triage.EventClaim("EvI"), Value: v}, {Key: triage.EventClaim("EvS"), Value: w}})
		}, []string{"EvA", "EvB", "EvI", "EvS"}},
		{"purged", func() error {
			_, err := db.PurgeExpired(t0.Add(time.Hour))
			return err
		}, []string{"EvA", "EvI"}},
		{"reopened", func() error {
			if err := db.Close(); err != nil {
				return err
			}
			db, err = Open(path, Options{})
			return err
		}, []string{"EvA", "EvI"}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		file, mem := fileEventClaims(t, db), memoryEventClaims(db)
		if !maps.Equal(file, mem) {
			t.Errorf("after %s: memory %v, file %v", s.name, mem, file)
		}
		keys := fmt.Sprint(sortedKeys(mem))
		if want := fmt.Sprint(s.want); keys != want {
			t.Errorf("after %s: memory holds %s, want %s", s.name, keys, want)
		}
	}
}

func sortedKeys(m map[string]int64) []string { return slices.Sorted(maps.Keys(m)) }

// Accept reads nothing from the bbolt file: not a single read
// transaction, for a new key or a duplicate of one the file holds.
func TestAcceptTakesNoReadTransaction(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	storetest.MustUpdate(t, db, func(tx triage.Tx) error {
		_, _, err := tx.Claim(triage.EventClaim("EvDup"), "4", t0, t0.Add(time.Hour))
		return err
	})
	before := db.bolt.Stats().TxN
	for i := range 20 {
		if dup, err := db.Accept(delivery(fmt.Sprint("EvNew", i)), time.Hour); err != nil || dup {
			t.Fatalf("Accept %d = %v, %v", i, dup, err)
		}
	}
	if dup, err := db.Accept(delivery("EvDup"), time.Hour); err != nil || !dup {
		t.Fatalf("Accept of a claimed key = %v, %v; want a duplicate", dup, err)
	}
	if n := db.bolt.Stats().TxN - before; n != 0 {
		t.Errorf("21 Accepts took %d bbolt read transactions, want 0", n)
	}
}

// A backup put in place of the store (what `sprintguard restore` does)
// brings its claims: the deliveries it holds, processed or not, are
// duplicates when Slack sends them again.
func TestRestoredBackupRefusesItsDeliveries(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	storetest.MustUpdate(t, db, func(tx triage.Tx) error {
		_, _, err := tx.Settle(triage.EventClaim("EvMade"), "12", t0, t0.Add(time.Hour))
		return err
	})
	if _, err := db.Accept(delivery("EvQueued"), time.Hour); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(backup); err != nil { // takes the journal in first
		t.Fatal(err)
	}
	restored := openAt(t, backup, Options{})
	for _, c := range []struct {
		key string
		dup bool
	}{{"EvMade", true}, {"EvQueued", true}, {"EvNew", false}} {
		if dup, err := restored.Accept(delivery(c.key), time.Hour); err != nil || dup != c.dup {
			t.Errorf("Accept of %s after the restore = dup %v, %v; want %v", c.key, dup, err, c.dup)
		}
	}
}
