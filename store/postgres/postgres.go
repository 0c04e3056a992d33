// Package postgres is the PostgreSQL driver of sprintguard's store, on
// pgx's connection pool. Several replicas share one database: migrations
// run under an advisory lock, event-id claims are rows with a unique key,
// and outbox jobs are claimed with FOR UPDATE SKIP LOCKED and a lease.
//
// A DB is safe for concurrent use by many goroutines and many processes.
package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is an open PostgreSQL store.
type DB struct {
	pool *pgxpool.Pool
}

// Options tune Open.
type Options struct {
	// MaxConns caps the pool; 0 keeps pgx's default.
	MaxConns int32
	// NoMigrate opens without applying migrations, for `migrate status`,
	// which must show what is pending rather than apply it.
	NoMigrate bool
}

// Open connects to the database at url and applies any pending migrations
// under an advisory lock, so that replicas starting at once are safe. The
// url is never logged or put in an error: it may hold a password.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors can quote the URL; say only what is wrong.
		return nil, fmt.Errorf("open postgres: storage.url is not a valid PostgreSQL URL or DSN")
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := &DB{pool: pool}
	if opt.NoMigrate {
		return db, nil
	}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return db, nil
}

// Close closes every connection of the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Pool is the connection pool, for the parts of the driver that live in
// other files and for tests.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }
