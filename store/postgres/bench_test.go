package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/storetest"
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
