package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// maxAttempts bounds how often Update runs a transaction that keeps losing
// serialization races; Options.Timeout bounds the time they take.
const maxAttempts = 30

// Update runs fn in one SERIALIZABLE read-write transaction, committed when
// fn returns nil; fn's own error is returned as is. A transaction that
// loses a race with another replica (a serialization failure or a
// deadlock) is rolled back and fn is run again, up to 30 times within
// Options.Timeout, so fn must not keep effects of an earlier run. Update
// calls of one DB are serialised.
func (db *DB) Update(fn func(triage.Tx) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.run(pgx.TxOptions{IsoLevel: pgx.Serializable}, "update store", fn)
}

// View runs fn in a read-only transaction on one snapshot (REPEATABLE
// READ). Writes fail, except that DueJobs still leases what it returns.
func (db *DB) View(fn func(triage.Tx) error) error {
	return db.run(pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, "view store", fn)
}

// run runs fn in a transaction with opts, retrying lost races.
func (db *DB) run(opts pgx.TxOptions, what string, fn func(triage.Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		fnErr, err := db.once(ctx, opts, fn)
		if err == nil {
			return nil
		}
		if !retryable(err) || attempt == maxAttempts || ctx.Err() != nil {
			if fnErr != nil {
				return fnErr
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		// Jitter keeps the losers of one race from meeting again.
		wait := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 7)))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, err)
		}
	}
}

// once runs fn in one transaction. It returns fn's error (if fn failed)
// and the error that ended the transaction (fn's, or the commit's).
func (db *DB) once(ctx context.Context, opts pgx.TxOptions, fn func(triage.Tx) error) (fnErr, err error) {
	ptx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer ptx.Rollback(context.WithoutCancel(ctx))
	t := &tx{db: db, ctx: ctx, q: ptx, write: opts.AccessMode != pgx.ReadOnly}
	if err := fn(t); err != nil {
		return err, err
	}
	return nil, ptx.Commit(ctx)
}

// retryable reports a lost race that running the transaction again can win.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// tx is the triage.Tx of one transaction. It is only valid inside the
// function it was passed to.
type tx struct {
	db    *DB
	ctx   context.Context
	q     pgx.Tx
	write bool
}

func (t *tx) now() time.Time { return t.db.opt.Now() }

// nanos is t as nanoseconds since 1970, the form the store compares
// times in (store.UnixNanos).
func nanos(t time.Time) int64 { return store.UnixNanos(t) }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// checkText refuses what PostgreSQL's text type cannot hold, with the
// reason, before the server aborts the transaction over it.
func checkText(what, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%s %q contains a NUL byte", what, s)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s %q is not valid UTF-8", what, s)
	}
	return nil
}

// walkChunk is how many rows a walk reads before calling fn for them: fn
// may use the transaction, which a pgx connection cannot do while a
// result is still being read.
const walkChunk = 256

// walkPages calls fn for each item of the pages next returns, until a page
// shorter than walkChunk. fn returning triage.ErrStop ends the walk
// without error.
func walkPages[T any](next func() ([]T, error), fn func(T) error) error {
	for {
		page, err := next()
		if err != nil {
			return err
		}
		for _, item := range page {
			if err := fn(item); err != nil {
				if errors.Is(err, triage.ErrStop) {
					return nil
				}
				return err
			}
		}
		if len(page) < walkChunk {
			return nil
		}
	}
}

// sortBy sorts s by key, ascending.
func sortBy[T any, K cmp.Ordered](s []T, key func(T) K) {
	slices.SortFunc(s, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}
