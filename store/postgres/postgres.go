// Package postgres is the PostgreSQL driver of sprintguard's store, on
// pgx's connection pool. It keeps the whole triage.Store contract of the
// bbolt driver, and several replicas may share one database: migrations
// run under an advisory lock, each Update is one SERIALIZABLE transaction,
// event-id claims are rows with a unique key (a retry delivered to another
// replica hits the key and is dropped), and the outbox and the inbox hand
// their rows to one replica at a time under a lease.
//
// # Outbox: FOR UPDATE SKIP LOCKED and a lease, not River
//
// A worker takes due jobs with FOR UPDATE SKIP LOCKED and marks them
// leased to its replica until now+Options.Lease; other replicas skip them,
// and take them over once the lease has passed, which is how a job of a
// replica that died gets done. While a job's handler runs, triage.Worker
// renews its lease every third of it, so that a handler slower than the
// lease is not taken over and run twice: RenewLeases renews all of a
// worker's jobs in one statement that waits for none of the process's
// serialised Updates, which under a burst outlasted a short lease. PutJob,
// CompleteJob and BuryJob end the lease, and Close hands all of a
// replica's leases over. A job is not taken while another job of its
// request is leased to another replica (the jobs table's request_id,
// generated from the job), so a request's jobs run one at a time across
// replicas, as triage.Worker runs them within one. The inbox works
// the same way: Accept leases a delivery to the replica that took it, and
// Pending returns a replica's own deliveries and those whose lease passed.
//
// River (github.com/riverqueue/river) was the alternative: a well-kept
// PostgreSQL queue with unique jobs, retries, periodic jobs and leader
// election. The outbox's one hard need, a job written in the transaction
// that writes the request, River meets too (InsertTx on a pgx.Tx), so that
// did not decide it. What did: the outbox is part of the store contract
// that the bbolt driver also keeps (dedupe against queued, buried and
// recently completed keys, dead letters that an operator retries or
// discards, a handler's result committed in the transaction that completes
// its job), and triage.Worker drives it for both drivers. With River the
// PostgreSQL driver would have a second worker, a second retry policy and
// River's own uniqueness rules, tested apart from the contract suite; the
// lease is two SQL statements that the same suite tests. River remains the
// better choice if sprintguard ever drops the bbolt driver.
//
// # Concurrency
//
// A DB is safe for concurrent use by many goroutines and many processes.
// Update calls of one DB are serialised, as the contract says; Updates of
// different replicas run at once under SERIALIZABLE isolation, and one
// that loses a race is rolled back and run again, so fn may run more than
// once and must not keep effects of an earlier run.
package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sprintguard/sprintguard/internal/groupcommit"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var (
	_ triage.Store = (*DB)(nil)
	_ local.Store  = (*DB)(nil)
	_ triage.Tx    = (*tx)(nil)

	_ triage.LeaseRenewer = (*DB)(nil)
)

// DB is an open PostgreSQL store.
type DB struct {
	pool *pgxpool.Pool
	opt  Options
	// mu serialises this process's writes, as the contract promises and
	// as the bbolt driver does; only other replicas' writes can conflict.
	mu sync.Mutex
	// accepts batches concurrent Accepts into shared transactions, with
	// Options.GroupAccept; nil otherwise.
	accepts *groupcommit.Writer[*tx]
}

// Options tune Open. The zero value suits one replica of serve.
type Options struct {
	// MaxConns caps the pool; 0 keeps pgx's default.
	MaxConns int32
	// NoMigrate opens without applying migrations, for `migrate status`,
	// which must show what is pending rather than apply it.
	NoMigrate bool
	// Now is the clock that decides whether a claim, a completed job's key
	// or an inbox lease has expired; nil means time.Now.
	Now func() time.Time
	// DedupeTTL is how long a completed job's key blocks a re-enqueue of
	// the same key; <= 0 means store.DefaultDedupeTTL.
	DedupeTTL time.Duration
	// Lease is how long a replica holds the outbox jobs and inbox
	// deliveries it took before another replica may take them; <= 0 means
	// DefaultLease. It must be longer than a job's slowest handler.
	Lease time.Duration
	// Replica names this process among the replicas; "" means the host
	// name, the process id and a random suffix, so a restart is a new
	// replica that waits for its predecessor's leases.
	Replica string
	// Timeout bounds each transaction, retries included, so that a
	// database that stops answering fails calls instead of hanging them;
	// <= 0 means 30s.
	Timeout time.Duration
	// GroupAccept runs concurrent Accepts several to a transaction, on
	// one connection, as the bbolt driver runs its writes: one commit
	// (one WAL flush) for many deliveries, and one connection for them
	// instead of one each. See docs/performance.md for what it gains.
	GroupAccept bool
}

// DefaultLease is how long a replica holds the jobs and deliveries it took.
const DefaultLease = time.Minute

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
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.DedupeTTL <= 0 {
		opt.DedupeTTL = store.DefaultDedupeTTL
	}
	if opt.Lease <= 0 {
		opt.Lease = DefaultLease
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.Replica == "" {
		opt.Replica = replicaName()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := &DB{pool: pool, opt: opt}
	if opt.NoMigrate {
		return db, nil
	}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if opt.GroupAccept {
		db.accepts = groupcommit.New(db.acceptBatch, groupcommit.Options{})
	}
	return db, nil
}

// acceptBatch runs a batch of Accepts in one READ COMMITTED transaction:
// each is a single upsert, which needs no more, and a batch that lost a
// deadlock to another replica's runs again whole.
func (db *DB) acceptBatch(fn func(*tx) error) error {
	return db.run(pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, "accept deliveries",
		func(t triage.Tx) error { return fn(t.(*tx)) })
}

// replicaName is host, pid and a random suffix: unique among live
// replicas, and readable in the claimed_by column.
func replicaName() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Close hands the outbox jobs and inbox deliveries this replica holds to
// the other replicas at once, rather than when the lease passes, so that a
// rolling restart does not pause them; then it closes every connection of
// the pool. Call it after the worker and the bot have stopped.
func (db *DB) Close() error {
	if db.accepts != nil {
		db.accepts.Close() // the Accepts already queued commit first
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := db.pool.Exec(ctx, `WITH jobs AS (UPDATE jobs SET claimed_by = NULL, lease_ns = NULL WHERE claimed_by = $1)
		UPDATE inbox SET lease_ns = $2 WHERE claimed_by = $1`, db.opt.Replica, int64(math.MinInt64))
	db.pool.Close()
	if err != nil {
		return fmt.Errorf("close postgres: hand over leases: %w", err)
	}
	return nil
}

// Replica returns the name this DB leases jobs and deliveries under.
func (db *DB) Replica() string { return db.opt.Replica }

// Pool is the connection pool, for the parts of the driver that live in
// other files and for tests.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }
