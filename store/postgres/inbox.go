package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/triage"
)

// Accept stores a delivery unless one with the same key was accepted
// within ttl, and reports whether it was a duplicate. The key's claim and
// the delivery are written by one statement, committed before Accept
// returns; the claims table's primary key makes a retry that another
// replica accepted a duplicate here. The delivery is leased to this
// replica, which processes it. Accept is safe for concurrent use and
// never waits for Update. d's Seq is set when it is stored.
//
// With Options.GroupAccept, concurrent Accepts share a transaction (see
// groupcommit): one commit, and one WAL flush, for all of them. One that
// fails is rolled back with its batch, which runs again without it, so it
// fails alone; a batch that loses a deadlock to another replica's runs
// again whole.
func (db *DB) Accept(d *triage.Delivery, ttl time.Duration) (dup bool, err error) {
	if err := errors.Join(checkText("delivery kind", d.Kind), checkText("delivery key", d.Key)); err != nil {
		return false, fmt.Errorf("accept %s delivery: %w", d.Kind, err)
	}
	if db.accepts != nil {
		err = db.accepts.Update(func(t *tx) error {
			var err error
			dup, err = db.accept(t.ctx, t.q, d, ttl)
			return err
		})
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
		defer cancel()
		dup, err = db.accept(ctx, db.pool, d, ttl)
	}
	if err != nil {
		return false, fmt.Errorf("accept %s delivery %s: %w", d.Kind, d.Key, err)
	}
	return dup, nil
}

// querier is what accept needs of a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// accept is Accept's statement, on the pool (its own transaction) or in a
// shared one. It may run more than once for one delivery and starts from
// scratch each time.
func (db *DB) accept(ctx context.Context, q querier, d *triage.Delivery, ttl time.Duration) (dup bool, err error) {
	d.Seq = 0
	lease := nanos(db.opt.Now().Add(db.opt.Lease))
	body := d.Body
	if body == nil {
		body = []byte{}
	}
	if d.Key == "" {
		err = q.QueryRow(ctx, `INSERT INTO inbox (kind, key, body, received_ns, claimed_by, lease_ns)
			VALUES ($1, '', $2, $3, $4, $5) RETURNING seq`,
			d.Kind, body, nanos(d.Received), db.opt.Replica, lease).Scan(&d.Seq)
		return false, err
	}
	// The claim is taken when the key is new or its claim has expired
	// at d.Received; the delivery is stored only when it was. It is the
	// claim intake fills with the request the delivery makes
	// (triage.EventClaim), empty until then.
	err = q.QueryRow(ctx, `WITH claim AS (
			INSERT INTO claims (key, value, expires_ns) VALUES ($8, '', $6)
			ON CONFLICT (key) DO UPDATE SET value = '', expires_ns = $6 WHERE claims.expires_ns <= $3
			RETURNING 1)
		INSERT INTO inbox (kind, key, body, received_ns, claimed_by, lease_ns)
		SELECT $1, $2, $7, $3, $4, $5 FROM claim RETURNING seq`,
		d.Kind, d.Key, nanos(d.Received), db.opt.Replica, lease, nanos(d.Received.Add(ttl)), body, triage.EventClaim(d.Key)).Scan(&d.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		d.Seq = 0
		return true, nil
	}
	return false, err
}

// Pending returns up to limit stored deliveries not yet marked done,
// oldest first, as PendingAfter(0, limit) does.
func (db *DB) Pending(limit int) ([]*triage.Delivery, error) {
	return db.PendingAfter(0, limit)
}

// PendingAfter returns up to limit stored deliveries whose Seq is greater
// than after, in Seq order, that are this replica's or whose lease has
// passed (their replica died or stopped), and leases them to this
// replica: replicas that sweep the inbox at once never get the same
// delivery.
func (db *DB) PendingAfter(after uint64, limit int) ([]*triage.Delivery, error) {
	ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
	defer cancel()
	now := db.opt.Now()
	rows, err := db.pool.Query(ctx, `UPDATE inbox SET claimed_by = $1, lease_ns = $2
		WHERE seq IN (SELECT seq FROM inbox WHERE seq > $5 AND (claimed_by = $1 OR lease_ns <= $3)
			ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING seq, kind, key, body, received_ns`,
		db.opt.Replica, nanos(now.Add(db.opt.Lease)), nanos(now), max(limit, 0), int64(after))
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*triage.Delivery, error) {
		d := new(triage.Delivery)
		var received int64
		if err := row.Scan(&d.Seq, &d.Kind, &d.Key, &d.Body, &received); err != nil {
			return nil, err
		}
		d.Received = fromNanos(received)
		return d, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	// RETURNING keeps no order.
	sortBy(out, func(d *triage.Delivery) uint64 { return d.Seq })
	return out, nil
}

// TakeoverEvery is how often a replica should sweep the inbox from its
// start: a delivery whose replica died is found only once its lease has
// passed, and no other event says when that is.
func (db *DB) TakeoverEvery() time.Duration { return db.opt.Lease / 2 }

// Done removes a processed delivery; its key stays claimed for the ttl it
// was accepted with. Done is safe to call twice and concurrently.
func (db *DB) Done(seq uint64) error {
	ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
	defer cancel()
	if _, err := db.pool.Exec(ctx, "DELETE FROM inbox WHERE seq = $1", seq); err != nil {
		return fmt.Errorf("finish delivery %d: %w", seq, err)
	}
	return nil
}
