package postgres_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/store/transfer/transfertest"
	"github.com/sprintguard/sprintguard/triage"
)

func populatedBolt(t *testing.T) *store.DB {
	t.Helper()
	db := transfertest.OpenBolt(t)
	transfertest.Populate(t, db, 6)
	return db
}

func openPG(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url, postgres.Options{Now: func() time.Time { return transfertest.T0 }, Replica: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestMigrateBoltToPostgres copies a bbolt store with every kind of record
// into an empty PostgreSQL database, checks that the PostgreSQL store then
// serves them through the triage contract, that a second run changes
// nothing, and that copying back into a new bbolt file gives the same
// checksums as the original.
func TestMigrateBoltToPostgres(t *testing.T) {
	ctx := context.Background()
	src := populatedBolt(t)
	dst := openPG(t, pgtest.DB(t))
	res, err := transfer.Copy(ctx, src, dst, transfer.Options{})
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	transfertest.CheckEveryKind(t, res)

	// Before the store is used, so that it still holds just the copy.
	t.Run("back to bbolt", func(t *testing.T) {
		back, err := store.Open(filepath.Join(t.TempDir(), "back.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer back.Close()
		if _, err := transfer.Copy(ctx, dst, back, transfer.Options{}); err != nil {
			t.Fatal(err)
		}
		for _, k := range transfer.AllKinds {
			a, _ := transfer.Checksum(ctx, src, k)
			b, _ := transfer.Checksum(ctx, back, k)
			if a != b {
				t.Errorf("%s: bolt -> postgres -> bolt gives %+v, was %+v", k, b, a)
			}
		}
	})

	t.Run("served by the postgres store", func(t *testing.T) {
		err := dst.View(func(tx triage.Tx) error {
			if r, err := tx.RequestByTicket("REQ-3"); err != nil || r.ID != 3 {
				t.Errorf("RequestByTicket(REQ-3) = %v, %v; want request 3", r, err)
			}
			if r, err := tx.RequestByMessage("C0HELP", "1772442000.000001"); err != nil || r.ID != 2 {
				t.Errorf("RequestByMessage = %v, %v; want request 2", r, err)
			}
			open := 0
			if err := tx.OpenRequests("platform", func(*triage.Request) error { open++; return nil }); err != nil {
				return err
			}
			if open != 3 {
				t.Errorf("%d open platform requests, want 3", open)
			}
			notes, err := tx.Notes("platform", time.Time{})
			if err != nil || len(notes) != 2 || notes[1].Text != "db failover at 3" {
				t.Errorf("Notes = %v, %v", notes, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var next int64
		if err := dst.Update(func(tx triage.Tx) (err error) { next, err = tx.NextRequestID(); return err }); err != nil || next != 7 {
			t.Errorf("next request id = %d, %v; want 7, after the copied ones", next, err)
		}
		var due []*triage.Job
		if err := dst.Update(func(tx triage.Tx) (err error) { due, err = tx.DueJobs(transfertest.T0.Add(time.Hour), 0); return err }); err != nil || len(due) != 2 {
			t.Errorf("due jobs = %d, %v; want the 2 queued ones", len(due), err)
		}
		var added bool
		if err := dst.Update(func(tx triage.Tx) (err error) {
			added, err = tx.Enqueue(&triage.Job{Kind: triage.JobNotify, Key: "notify:9", CreatedAt: transfertest.T0, NextAt: transfertest.T0})
			return err
		}); err != nil || !added {
			t.Errorf("Enqueue after the copy = %t, %v", added, err)
		}
		if pending, err := dst.Pending(10); err != nil || len(pending) != 2 {
			t.Errorf("pending deliveries = %d, %v; want 2", len(pending), err)
		}
		if tk, created, err := dst.CreateTicket("create:1", nil); err != nil || created || tk.Key != "LOC-1" {
			t.Errorf("CreateTicket with a copied idempotency key = %s, created %t, %v; want LOC-1 found", tk.Key, created, err)
		}
	})

	t.Run("a second run changes nothing", func(t *testing.T) {
		dst := openPG(t, pgtest.DB(t))
		if _, err := transfer.Copy(ctx, src, dst, transfer.Options{}); err != nil {
			t.Fatal(err)
		}
		res, err := transfer.Copy(ctx, src, dst, transfer.Options{})
		if err != nil {
			t.Fatalf("second Copy: %v", err)
		}
		for _, r := range res {
			if r.Added != 0 || r.Changed != 0 || r.Same != r.Source.Count {
				t.Errorf("%s: added %d, changed %d, same %d of %d", r.Kind, r.Added, r.Changed, r.Same, r.Source.Count)
			}
		}
	})

}

// TestMigrateChecksumMismatch changes one row behind the copy's back: the
// checksums of that kind differ, a new copy refuses to overwrite it, and
// --force puts the source's value back.
func TestMigrateChecksumMismatch(t *testing.T) {
	ctx := context.Background()
	src := populatedBolt(t)
	url := pgtest.DB(t)
	dst := openPG(t, url)
	if _, err := transfer.Copy(ctx, src, dst, transfer.Options{}); err != nil {
		t.Fatal(err)
	}
	exec(t, url, `UPDATE claims SET value = 'tampered' WHERE key = 'event:Ev001'`)
	a, err := transfer.Checksum(ctx, src, transfer.Claims)
	if err != nil {
		t.Fatal(err)
	}
	b, err := transfer.Checksum(ctx, dst, transfer.Claims)
	if err != nil {
		t.Fatal(err)
	}
	if a.Count != b.Count || a.SHA == b.SHA {
		t.Fatalf("checksums after a changed value: source %+v, target %+v; want the same count and different sums", a, b)
	}
	_, err = transfer.Copy(ctx, src, dst, transfer.Options{})
	var conflict *transfer.ConflictError
	if !errors.As(err, &conflict) || conflict.Kind != transfer.Claims || conflict.Keys[0] != "event:Ev001" {
		t.Fatalf("Copy onto a changed claim = %v; want a conflict on claims event:Ev001", err)
	}
	res, err := transfer.Copy(ctx, src, dst, transfer.Options{Force: true})
	if err != nil {
		t.Fatalf("Copy --force: %v", err)
	}
	transfertest.CheckEveryKind(t, res)
	var v string
	if err := dst.View(func(tx triage.Tx) (err error) { v, _, err = tx.Claimed("event:Ev001", transfertest.T0); return err }); err != nil || v != "1" {
		t.Errorf("claim after --force = %q, %v; want the source's %q", v, err, "1")
	}
}
