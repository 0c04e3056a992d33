package store

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/triage"
)

// storedJob returns the jobs bucket's bytes for the job id.
func storedJob(t *testing.T, db *DB, id uint64) []byte {
	t.Helper()
	var v []byte
	_ = db.bolt.View(func(b *bolt.Tx) error {
		v = bytes.Clone(b.Bucket(bucketJobs).Get(u64(id)))
		return nil
	})
	return v
}

// dueJob is the one job DueJobs finds due at t0.
func dueJob(t *testing.T, db *DB) *triage.Job {
	t.Helper()
	var jobs []*triage.Job
	err := db.View(func(tx triage.Tx) error {
		var err error
		jobs, err = tx.DueJobs(t0, 0)
		return err
	})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("DueJobs = %d jobs, %v; want 1", len(jobs), err)
	}
	return jobs[0]
}

// exportedLeased reports what Export says of the one queued job's lease.
func exportedLeased(t *testing.T, db *DB) bool {
	t.Helper()
	var leased []bool
	err := db.Export(context.Background(), transfer.Jobs, func(r transfer.Record) error {
		var j triage.Job
		if err := json.Unmarshal(r.Value, &j); err != nil {
			return err
		}
		leased = append(leased, j.Leased)
		return nil
	})
	if err != nil || len(leased) != 1 {
		t.Fatalf("Export(jobs) = %v, %v; want one job", leased, err)
	}
	return leased[0]
}

// A lease is written to the job's due index entry and leaves the job's
// own bytes, in a bucket whose values carry payloads, as they were; it
// reads back from DueJobs and Export, and a failed run's record clears it.
func TestLeaseKeptInTheDueIndex(t *testing.T) {
	db := openTest(t, Options{})
	storetest.Enqueue(t, db, job("lease-me", t0))
	j := dueJob(t, db)
	before := storedJob(t, db, j.ID)

	j.Leased = true
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutJob(j) })
	if after := storedJob(t, db, j.ID); !bytes.Equal(after, before) {
		t.Errorf("the lease rewrote the job's entry in jobs:\n%x\nwas\n%x", after, before)
	}
	if got := dueJob(t, db); !got.Leased {
		t.Errorf("DueJobs after the lease: Leased = false")
	}
	if !exportedLeased(t, db) {
		t.Errorf("Export after the lease: leased = false")
	}

	// A failed run's record: the lease is over, the due time moves.
	j.Leased, j.Attempts, j.NextAt = false, 1, t0.Add(-time.Second)
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutJob(j) })
	if got := dueJob(t, db); got.Leased || got.Attempts != 1 {
		t.Errorf("DueJobs after the failed run: Leased = %v, Attempts = %d; want false, 1", got.Leased, got.Attempts)
	}
	// A lease taken off in place (same due time) is taken off too.
	j.Leased = true
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutJob(j) })
	j.Leased = false
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutJob(j) })
	if got := dueJob(t, db); got.Leased {
		t.Errorf("DueJobs after the lease was taken off in place: Leased = true")
	}
}

// A schema 10 file kept a lease in the job's own flags: schema 11 opens
// it, still sees the lease, and a lease taken off clears that flag.
func TestMigrateToV11KeepsOldLeases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v10.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Enqueue(t, db, job("leased-by-v10", t0))
	err = db.bolt.Update(func(b *bolt.Tx) error {
		jobs := b.Bucket(bucketJobs)
		k, v := jobs.Cursor().First()
		j, err := decodeJob(v)
		if err != nil {
			return err
		}
		j.ID, j.Leased = decodeU64(k), true
		data, err := encodeJob(j) // schema 10's form: the flag in the job
		if err != nil {
			return err
		}
		if err := jobs.Put(bytes.Clone(k), data); err != nil {
			return err
		}
		return b.Bucket(bucketMeta).Put(keySchemaVersion, u64(10))
	})
	if err != nil {
		t.Fatal(err)
	}

	db = reopenMigrated(t, db, path, Options{})
	j := dueJob(t, db)
	if !j.Leased || !exportedLeased(t, db) {
		t.Fatalf("a schema 10 lease: DueJobs Leased = %v, Export leased = %v; want both true", j.Leased, exportedLeased(t, db))
	}
	j.Leased = false
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutJob(j) })
	if got := dueJob(t, db); got.Leased {
		t.Errorf("DueJobs after a schema 10 lease was taken off: Leased = true")
	}
}
