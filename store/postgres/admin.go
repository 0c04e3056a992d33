package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// purgeBatch bounds how many rows one purge statement deletes, so that a
// large backlog of expired keys never holds its locks for long.
const purgeBatch = 10000

// PurgeExpired removes claims and completed-job keys whose expiry is not
// after now, and returns how many it removed, in statements of at most
// purgeBatch rows. It is safe to run on every replica at once.
func (db *DB) PurgeExpired(now time.Time) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
	defer cancel()
	total := 0
	for _, q := range []struct{ table, query string }{
		{"claims", `DELETE FROM claims WHERE key IN (SELECT key FROM claims WHERE expires_ns <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`},
		{"job keys", `DELETE FROM job_keys_done WHERE key IN (SELECT key FROM job_keys_done WHERE until_ns <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`},
	} {
		for {
			tag, err := db.pool.Exec(ctx, q.query, nanos(now), purgeBatch)
			if err != nil {
				return total, fmt.Errorf("purge expired %s: %w", q.table, err)
			}
			total += int(tag.RowsAffected())
			if tag.RowsAffected() < purgeBatch {
				break
			}
		}
	}
	return total, nil
}

// PurgeText removes the words of requests created before cutoff; see
// store.PurgeRequestText.
func (db *DB) PurgeText(cutoff time.Time) (int, error) { return store.PurgeRequestText(db, cutoff) }

// Stats counts what the store holds. FileSize is the database's size on
// disk, indexes included, which is more than a logical backup takes.
func (db *DB) Stats() (store.Stats, error) {
	ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
	defer cancel()
	var s store.Stats
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM requests WHERE open),
			(SELECT count(*) FROM tickets), (SELECT count(*) FROM claims), pg_database_size(current_database())`).
			Scan(&s.Requests, &s.OpenRequests, &s.Tickets, &s.Claims, &s.FileSize)
		if err != nil {
			return err
		}
		s.QueuedJobs, s.DeadJobs, s.OldestQueued, err = outboxStats(ctx, tx)
		return err
	})
	if err != nil {
		return s, fmt.Errorf("read stats: %w", err)
	}
	return s, nil
}

// OutboxStats returns how many jobs are queued and dead, and the CreatedAt
// of the earliest-enqueued queued job (zero when none is queued).
func (db *DB) OutboxStats() (queued, dead int, oldest time.Time, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
	defer cancel()
	err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		queued, dead, oldest, err = outboxStats(ctx, tx)
		return err
	})
	if err != nil {
		err = fmt.Errorf("read outbox stats: %w", err)
	}
	return queued, dead, oldest, err
}

func outboxStats(ctx context.Context, tx pgx.Tx) (queued, dead int, oldest time.Time, err error) {
	var first []byte
	err = tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM dead_jobs),
		(SELECT data FROM jobs ORDER BY id LIMIT 1)`).Scan(&queued, &dead, &first)
	if err != nil || first == nil {
		return queued, dead, oldest, err
	}
	var j struct {
		CreatedAt time.Time `json:"created_at"`
	}
	if err := json.Unmarshal(first, &j); err != nil {
		return queued, dead, oldest, fmt.Errorf("decode oldest job: %w", err)
	}
	return queued, dead, j.CreatedAt, nil
}

// DeadJobs lists the buried jobs in the order they were first enqueued.
func (db *DB) DeadJobs() ([]*triage.Job, error) {
	ctx, cancel := context.WithTimeout(context.Background(), db.opt.Timeout)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT id, data FROM dead_jobs ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list dead jobs: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*triage.Job, error) {
		var id uint64
		var data []byte
		if err := row.Scan(&id, &data); err != nil {
			return nil, err
		}
		j := new(triage.Job)
		if err := json.Unmarshal(data, j); err != nil {
			return nil, fmt.Errorf("decode dead job %d: %w", id, err)
		}
		j.ID = id
		return j, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list dead jobs: %w", err)
	}
	return out, nil
}

// RetryDead moves dead job id back to the queue, due now, with its attempt
// count reset so that backoff starts over; its last error is kept.
func (db *DB) RetryDead(id uint64) error {
	return db.Update(func(ttx triage.Tx) error {
		t := ttx.(*tx)
		j, err := t.takeDead(id)
		if err != nil {
			return fmt.Errorf("retry dead job %d: %w", id, err)
		}
		j.Attempts, j.NextAt = 0, t.now()
		data, err := json.Marshal(j)
		if err != nil {
			return fmt.Errorf("retry dead job %d: encode: %w", id, err)
		}
		if _, err := t.q.Exec(t.ctx, "INSERT INTO jobs (id, key, next_ns, data) VALUES ($1, $2, $3, $4)",
			j.ID, j.Key, nanos(j.NextAt), data); err != nil {
			return fmt.Errorf("retry dead job %d: %w", id, err)
		}
		return nil
	})
}

// DiscardDead deletes dead job id for good. Its key counts as done for
// Options.DedupeTTL, so a late duplicate of the same side effect is ignored.
func (db *DB) DiscardDead(id uint64) error {
	return db.Update(func(ttx triage.Tx) error {
		t := ttx.(*tx)
		j, err := t.takeDead(id)
		if err != nil {
			return fmt.Errorf("discard dead job %d: %w", id, err)
		}
		if err := t.markDone(j.Key); err != nil {
			return fmt.Errorf("discard dead job %d: %w", id, err)
		}
		return nil
	})
}

// takeDead removes dead job id and returns it; a missing one wraps
// triage.ErrNotFound.
func (t *tx) takeDead(id uint64) (*triage.Job, error) {
	var data []byte
	err := t.q.QueryRow(t.ctx, "DELETE FROM dead_jobs WHERE id = $1 RETURNING data", id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("no such dead job: %w", triage.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	j := new(triage.Job)
	if err := json.Unmarshal(data, j); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	j.ID = id
	return j, nil
}
