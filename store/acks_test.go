package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/store/journal"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/triage"
)

func delivery(key string) *triage.Delivery {
	return &triage.Delivery{Kind: "event", Key: key, Body: []byte(`{"event_id":"` + key + `"}`), Received: t0}
}

// crashCopy copies the store's file and journal as a crash would leave
// them now (the store's writer must be idle) and returns the copy's path.
func crashCopy(t *testing.T, db *DB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy.db")
	data, err := os.ReadFile(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(JournalDir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(JournalDir(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(JournalDir(db.Path()), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(JournalDir(dst), e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func pendingKeys(t *testing.T, db *DB) map[string]int {
	t.Helper()
	ds, err := db.Pending(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, d := range ds {
		out[d.Key]++
	}
	return out
}

// Deliveries acknowledged but only in the journal when the process dies
// are in the inbox after the restart, once each; a Slack retry of one is
// a duplicate; one whose request the processors made before the crash
// (its claim settled) is not run again.
func TestAcceptedDeliveriesSurviveACrashInTheJournal(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	for i := range 20 {
		if dup, err := db.Accept(delivery(fmt.Sprintf("Ev%d", i)), time.Hour); err != nil || dup {
			t.Fatalf("Accept %d = %v, %v", i, dup, err)
		}
	}
	// Ev0 was processed before the move: intake settled its claim.
	if err := db.Update(func(tx triage.Tx) error {
		_, _, err := tx.Settle(triage.EventClaim("Ev0"), "7", t0, t0.Add(time.Hour))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var inFile int
	db.bolt.View(func(b *bolt.Tx) error { inFile = b.Bucket(bucketInbox).Stats().KeyN; return nil })
	if inFile != 0 {
		t.Fatalf("%d deliveries in the file before the crash; the test wants them in the journal only", inFile)
	}
	path := crashCopy(t, db)

	again := openAt(t, path, Options{})
	got := pendingKeys(t, again)
	if len(got) != 19 || got["Ev0"] != 0 {
		t.Errorf("after the crash: %d deliveries pending (Ev0 %d times); want the 19 not processed", len(got), got["Ev0"])
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s pending %d times", k, n)
		}
	}
	for _, key := range []string{"Ev0", "Ev5", "Ev19"} {
		if dup, err := again.Accept(delivery(key), time.Hour); err != nil || !dup {
			t.Errorf("Slack's retry of %s after the restart = dup %v, %v; want a duplicate", key, dup, err)
		}
	}
	d := delivery("EvNew")
	if dup, err := again.Accept(d, time.Hour); err != nil || dup || d.Seq != 21 {
		t.Errorf("a new delivery after the restart = dup %v, seq %d, %v; want seq 21", dup, d.Seq, err)
	}
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
	if names, _ := os.ReadDir(JournalDir(path)); len(names) != 0 {
		t.Errorf("a clean Close left %d journal files", len(names))
	}
}

// Accepts of one key at once store it once, journal or not.
func TestConcurrentAcceptsOfOneKeyStoreItOnce(t *testing.T) {
	db := openTest(t, Options{})
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for range 3 {
		for range 16 {
			for k := range 8 {
				wg.Go(func() {
					dup, err := db.Accept(delivery(fmt.Sprintf("EvSame%d", k)), time.Hour)
					if err != nil {
						t.Error(err)
					}
					if !dup {
						fresh.Add(1)
					}
				})
			}
		}
		wg.Wait()
	}
	if n := fresh.Load(); n != 8 {
		t.Errorf("%d Accepts were not duplicates; want 8, one per key", n)
	}
	got := pendingKeys(t, db)
	for k := range 8 {
		if n := got[fmt.Sprintf("EvSame%d", k)]; n != 1 {
			t.Errorf("EvSame%d pending %d times", k, n)
		}
	}
}

// A backup taken while acknowledgements arrive holds every delivery
// acknowledged before it began, though the journal had not been moved.
func TestBackupWhileAcceptingLosesNoAcknowledgedDelivery(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				key := fmt.Sprintf("Ev%d-%d", w, i)
				if dup, err := db.Accept(delivery(key), time.Hour); err != nil || dup {
					t.Errorf("Accept %s = %v, %v", key, dup, err)
					return
				}
				mu.Lock()
				acked = append(acked, key)
				mu.Unlock()
			}
		})
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	var buf bytes.Buffer
	if _, err := db.WriteBackup(&buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	wg.Wait()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	restored := openAt(t, path, Options{})
	got := pendingKeys(t, restored)
	for _, key := range before {
		if got[key] != 1 {
			t.Errorf("%s acknowledged before the backup, in it %d times", key, got[key])
		}
	}
}

// Export's inbox and claims hold what the journal holds.
func TestExportTakesTheJournalIn(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	for i := range 3 {
		if _, err := db.Accept(delivery(fmt.Sprintf("EvX%d", i)), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	err := db.Export(context.Background(), transfer.Inbox, func(r transfer.Record) error {
		keys = append(keys, r.Key)
		return nil
	})
	if err != nil || strings.Join(keys, ",") != "1,2,3" {
		t.Errorf("exported inbox %v, %v; want 1,2,3", keys, err)
	}
}

// A read-only open cannot take a crash's journal in and says so; a
// read-write open takes it in, and read-only opens work again.
func TestReadOnlyOpenRefusesAPendingJournal(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	if _, err := db.Accept(delivery("EvRO"), time.Hour); err != nil {
		t.Fatal(err)
	}
	path := crashCopy(t, db)
	_, err := Open(path, Options{ReadOnly: true})
	var pe *JournalPendingError
	if !errors.As(err, &pe) || !errors.Is(err, ErrJournalPending) || pe.N != 1 ||
		!strings.Contains(err.Error(), JournalDir(path)) || !strings.Contains(err.Error(), "sprintguard serve") {
		t.Fatalf("read-only Open = %v; want a JournalPendingError for 1 delivery naming the journal and the fix", err)
	}
	rw, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	ro := openAt(t, path, Options{ReadOnly: true})
	if got := pendingKeys(t, ro); got["EvRO"] != 1 {
		t.Errorf("after a read-write open: pending %v; want EvRO", got)
	}
}

// A journal damaged in the middle stops Open with the file and offset.
func TestOpenNamesACorruptJournal(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	for i := range 2 {
		if _, err := db.Accept(delivery(fmt.Sprintf("EvC%d", i)), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	path := crashCopy(t, db)
	ents, _ := os.ReadDir(JournalDir(path))
	seg := filepath.Join(JournalDir(path), ents[0].Name())
	data, _ := os.ReadFile(seg)
	data[20] ^= 0xff // in the first batch's payload, with the second after it
	os.WriteFile(seg, data, 0o600)
	_, err := Open(path, Options{})
	if !errors.Is(err, journal.ErrCorrupt) || !strings.Contains(err.Error(), seg) || !strings.Contains(err.Error(), "offset 0") {
		t.Errorf("Open = %v; want the corruption at offset 0 of %s", err, seg)
	}
}

// A delivery still only in the journal is not finished in a transaction
// (its move would put it back in the inbox): Done takes it in and removes
// it. One in the file's inbox is.
func TestFinishDeliveryOnlyOnceMoved(t *testing.T) {
	db := openTest(t, Options{holdJournal: true})
	d := delivery("EvFinish")
	if _, err := db.Accept(d, time.Hour); err != nil {
		t.Fatal(err)
	}
	finish := func() bool {
		var done bool
		err := db.Update(func(tx triage.Tx) error {
			var err error
			done, err = tx.(triage.DeliveryFinisher).FinishDelivery(d.Seq)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	if finish() {
		t.Fatal("finished a delivery still in the journal")
	}
	if p, err := db.Pending(10); err != nil || len(p) != 1 {
		t.Fatalf("pending: %d, %v; want the delivery", len(p), err)
	}
	if !finish() {
		t.Fatal("did not finish a delivery in the inbox")
	}
	if p, err := db.Pending(10); err != nil || len(p) != 0 {
		t.Fatalf("pending after it was finished: %d, %v; want none", len(p), err)
	}
}
