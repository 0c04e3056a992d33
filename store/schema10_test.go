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

// enqueued reports whether each key's job is added, in order.
func enqueued(t *testing.T, db *DB, at time.Time, keys ...string) string {
	t.Helper()
	var out []bool
	for _, k := range keys {
		out = append(out, storetest.Enqueue(t, db, job(k, at)))
	}
	return fmt.Sprint(out)
}

// doneKeys lists the done keys Export gives, as key@until.
func doneKeys(t *testing.T, db *DB) []string {
	t.Helper()
	var out []string
	err := db.Export(context.Background(), transfer.DoneKeys, func(r transfer.Record) error {
		out = append(out, r.Key+"@"+string(r.Value))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrateToV10(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v9.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Enqueue(t, db, job("queued", t0))
	// Schema 9's done keys: the state in job_keys, an entry in job_done_exp.
	err = db.bolt.Update(func(b *bolt.Tx) error {
		exp, err := b.CreateBucket(legacyJobDoneExp)
		if err != nil {
			return err
		}
		for key, until := range map[string]time.Time{"live": t0.Add(time.Hour), "expired": t0.Add(-time.Minute)} {
			if err := b.Bucket(bucketJobKeys).Put([]byte(key), keyState(legacyKeyDone, encodeTime(until))); err != nil {
				return err
			}
			if err := exp.Put(expiryKey(until, key), nil); err != nil {
				return err
			}
		}
		// A settled event claim, its value beside the expiry.
		settled := triage.EventClaim("EvOld")
		if err := b.Bucket(bucketClaims).Put([]byte(settled), append(encodeTime(t0.Add(time.Hour)), "42"...)); err != nil {
			return err
		}
		if err := b.Bucket(bucketClaimExp).Put(expiryKey(t0.Add(time.Hour), settled), nil); err != nil {
			return err
		}
		if err := b.DeleteBucket(bucketJobDone); err != nil {
			return err
		}
		return b.Bucket(bucketMeta).Put(keySchemaVersion, u64(9))
	})
	if err != nil {
		t.Fatal(err)
	}

	clk := storetest.NewClock(t0)
	db = reopenMigrated(t, db, path, Options{Now: clk.Now, DedupeTTL: time.Hour})
	_ = db.bolt.View(func(b *bolt.Tx) error {
		if b.Bucket(legacyJobDoneExp) != nil {
			t.Errorf("bucket %s is still there after the migration", legacyJobDoneExp)
		}
		return nil
	})
	if got, want := fmt.Sprint(doneKeys(t, db)), `[expired@{"until":"2026-03-02T08:59:00Z"} live@{"until":"2026-03-02T10:00:00Z"}]`; got != want {
		t.Errorf("done keys after the migration = %s, want %s", got, want)
	}
	storetest.MustUpdate(t, db, func(tx triage.Tx) error {
		if v, fresh, err := tx.Settle(triage.EventClaim("EvOld"), "43", t0, t0.Add(time.Hour)); err != nil || fresh || v != "42" {
			t.Errorf("Settle of a schema 9 claim = %q, %v, %v; want 42, not fresh", v, fresh, err)
		}
		return nil
	})
	if got, want := enqueued(t, db, t0, "queued", "live", "expired"), "[false false true]"; got != want {
		t.Errorf("Enqueue(queued, live, expired) after the migration = %s, want %s", got, want)
	}
	if n, err := db.PurgeExpired(t0.Add(2 * time.Hour)); err != nil || n != 2 {
		t.Errorf("PurgeExpired = %d, %v; want 2 (the claim, live)", n, err)
	}
	if got, want := enqueued(t, db, t0, "live"), "[true]"; got != want {
		t.Errorf("Enqueue(live) after the purge = %s, want %s", got, want)
	}
}

// A job completed long after its enqueue holds back the purge of those
// completed after it, which still block nothing once expired, until it
// expires too.
func TestPurgeDoneStopsAtFirstLive(t *testing.T) {
	clk := storetest.NewClock(t0)
	db := openTest(t, Options{Now: clk.Now, DedupeTTL: time.Hour})
	jobs := []*triage.Job{job("slow", t0), job("quick", t0)}
	for _, j := range jobs {
		storetest.Enqueue(t, db, j)
	}
	complete := func(j *triage.Job) {
		storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(j) })
	}
	complete(jobs[1]) // done until t0+1h
	clk.Set(t0.Add(3 * time.Hour))
	complete(jobs[0]) // done until t0+4h
	if n, err := db.PurgeExpired(clk.Now()); err != nil || n != 0 {
		t.Errorf("PurgeExpired at t0+3h = %d, %v; want 0", n, err)
	}
	if got, want := enqueued(t, db, t0, "quick", "slow"), "[true false]"; got != want {
		t.Errorf("Enqueue(quick, slow) at t0+3h = %s, want %s", got, want)
	}
	if n, err := db.PurgeExpired(t0.Add(5 * time.Hour)); err != nil || n != 1 {
		t.Errorf("PurgeExpired at t0+5h = %d, %v; want 1 (slow)", n, err)
	}
}

// A done key imported after jobs whose ids are past the jobs' sequence
// (the Sequences record comes last) gets a key of job_done's own, which
// no job's completion overwrites.
func TestImportDoneKeyAfterJobs(t *testing.T) {
	clk := storetest.NewClock(t0)
	db := openTest(t, Options{Now: clk.Now})
	imp := func(kind, key, value string) {
		t.Helper()
		if err := db.Import(context.Background(), kind, []transfer.Record{{Key: key, Value: []byte(value)}}); err != nil {
			t.Fatal(err)
		}
	}
	imp(transfer.Jobs, "1", `{"id":1,"kind":"notify","key":"queued","next_at":"2026-03-02T09:00:00Z"}`)
	imp(transfer.DoneKeys, "done", `{"until":"2026-03-03T09:00:00Z"}`)
	if got, want := enqueued(t, db, t0, "done", "queued"), "[false false]"; got != want {
		t.Errorf("Enqueue(done, queued) = %s, want %s", got, want)
	}
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(&triage.Job{ID: 1, Key: "queued"}) })
	if got, want := fmt.Sprint(doneKeys(t, db)), `[queued@{"until":"2026-03-09T09:00:00Z"} done@{"until":"2026-03-03T09:00:00Z"}]`; got != want {
		t.Errorf("done keys = %s, want %s", got, want)
	}
}
