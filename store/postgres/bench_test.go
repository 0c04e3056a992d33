package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/triage"
)

// BenchmarkAccept is the durable ack path on PostgreSQL, measured as the
// bbolt driver's BenchmarkAccept is, on a pool already connected (as a
// running replica's is). pgtest's cluster runs with fsync off, so the
// figure is the driver's and the round trips', not a disk's.
func BenchmarkAccept(b *testing.B) {
	db := replicas(b, 1, postgres.Options{MaxConns: 50})[0]
	ctx := context.Background()
	var conns []*pgxpool.Conn
	for range 50 {
		c, err := db.Pool().Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
	storetest.BenchmarkAccept(b, db)
}

// BenchmarkDueJobs is one outbox round's read on PostgreSQL: 1024 due
// jobs of a backlog of 8192, four to a request, while another replica
// holds 1024 others (and so the later jobs of their requests), read in a
// View as Run reads them.
func BenchmarkDueJobs(b *testing.B) {
	dbs := replicas(b, 2, postgres.Options{Lease: time.Hour})
	a, other := dbs[0], dbs[1]
	const n, window = 8192, 1024
	err := a.Update(func(tx triage.Tx) error {
		for i := range n {
			j := &triage.Job{Kind: triage.JobNotify, Key: fmt.Sprint("notify:", i), RequestID: int64(i/4 + 1),
				CreatedAt: storetest.T0, NextAt: storetest.T0.Add(time.Duration(i) * time.Millisecond)}
			if _, err := tx.Enqueue(j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	now := storetest.T0.Add(time.Hour)
	if err := other.View(func(tx triage.Tx) error { _, err := tx.DueJobs(now, window); return err }); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		err := a.View(func(tx triage.Tx) error {
			js, err := tx.DueJobs(now, window)
			if err == nil && len(js) != window {
				err = fmt.Errorf("%d jobs read, want %d", len(js), window)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
