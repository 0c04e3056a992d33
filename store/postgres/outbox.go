package postgres

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/triage"
)

// Enqueue adds j unless its Key is queued, buried (an operator decides with
// RetryDead or DiscardDead) or was completed less than Options.DedupeTTL
// ago. It sets j.ID when the job is added. The queued key is unique, so of
// two replicas enqueueing one key at once, one adds it.
func (t *tx) Enqueue(j *triage.Job) (bool, error) {
	if j == nil || j.Key == "" {
		return false, fmt.Errorf("enqueue job: a job needs a key, which makes it idempotent")
	}
	if err := checkText("job key", j.Key); err != nil {
		return false, fmt.Errorf("enqueue job: %w", err)
	}
	data, err := json.Marshal(j)
	if err != nil {
		return false, fmt.Errorf("enqueue job %s: encode: %w", j.Key, err)
	}
	var id uint64
	err = t.q.QueryRow(t.ctx, `WITH added AS (
			INSERT INTO jobs (key, next_ns, data) SELECT $1, $2, $3
			WHERE NOT EXISTS (SELECT 1 FROM dead_jobs WHERE key = $1)
			  AND NOT EXISTS (SELECT 1 FROM job_keys_done WHERE key = $1 AND until_ns > $4)
			ON CONFLICT (key) DO NOTHING
			RETURNING id),
		expired AS (DELETE FROM job_keys_done WHERE key = $1 AND EXISTS (SELECT 1 FROM added))
		SELECT id FROM added`, j.Key, nanos(j.NextAt), data, nanos(t.now())).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("enqueue job %s: %w", j.Key, err)
	}
	j.ID = id
	return true, nil
}

// DueJobs returns up to limit jobs whose NextAt is not after now, in
// (NextAt, id) order, and leases them to this replica until now+Lease:
// another replica's DueJobs skips them (FOR UPDATE SKIP LOCKED while this
// transaction runs, the lease after) until the lease has passed, while
// this replica gets them again, as the bbolt driver would. It skips too a
// job while another job of its request is held by another replica under
// a live lease: triage's worker runs a request's jobs one at a time, in
// order, within a replica, and a button's ticket update, queued while the
// ticket's create ran on another replica, ran first. A limit <= 0 means no
// limit. In a View, where the transaction cannot write, the lease is
// taken in a statement of its own.
func (t *tx) DueJobs(now time.Time, limit int) ([]*triage.Job, error) {
	var lim any // NULL: no limit
	if limit > 0 {
		lim = limit
	}
	const query = `UPDATE jobs SET claimed_by = $1, lease_ns = $2
		WHERE id IN (SELECT j.id FROM jobs j
			WHERE j.next_ns <= $3 AND (j.claimed_by IS NULL OR j.claimed_by = $1 OR j.lease_ns <= $3)
				AND (j.request_id = 0 OR NOT EXISTS (SELECT 1 FROM jobs o
					WHERE o.request_id = j.request_id AND o.request_id <> 0 AND o.id <> j.id
						AND o.claimed_by <> $1 AND o.lease_ns > $3))
			ORDER BY j.next_ns, j.id LIMIT $4
			FOR UPDATE OF j SKIP LOCKED)
		RETURNING id, next_ns, data`
	args := []any{t.db.opt.Replica, nanos(now.Add(t.db.opt.Lease)), nanos(now), lim}
	var rows pgx.Rows
	var err error
	if t.write {
		rows, err = t.q.Query(t.ctx, query, args...)
	} else {
		rows, err = t.db.pool.Query(t.ctx, query, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("take due jobs: %w", err)
	}
	type due struct {
		next int64
		job  *triage.Job
	}
	var got []due
	for rows.Next() {
		var id uint64
		var next int64
		var data []byte
		if err := rows.Scan(&id, &next, &data); err != nil {
			rows.Close()
			return nil, fmt.Errorf("take due jobs: %w", err)
		}
		j := new(triage.Job)
		if err := json.Unmarshal(data, j); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode job %d: %w", id, err)
		}
		j.ID = id
		got = append(got, due{next, j})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("take due jobs: %w", err)
	}
	// RETURNING keeps no order.
	slices.SortFunc(got, func(a, b due) int {
		return cmp.Or(cmp.Compare(a.next, b.next), cmp.Compare(a.job.ID, b.job.ID))
	})
	out := make([]*triage.Job, len(got))
	for i, d := range got {
		out[i] = d.job
	}
	return out, nil
}

// PutJob saves j's attempt count, NextAt and error. It ends the job's
// lease, so that any replica may retry it when it is due, unless j is
// Leased: then this replica holds it for another lease, and when another
// replica holds a live lease on it PutJob fails with triage.ErrNotFound.
func (t *tx) PutJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("put job: nil job")
	}
	data, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("put job %d: encode: %w", j.ID, err)
	}
	// A job saved as Leased is about to run here (triage.Worker marks it
	// so before its handler runs): this replica keeps it for a lease, so
	// that no other replica's DueJobs hands it out meanwhile. Any other
	// save ends the lease.
	var owner *string
	var until *int64
	if j.Leased {
		r, u := t.db.opt.Replica, nanos(t.now().Add(t.db.opt.Lease))
		owner, until = &r, &u
	}
	// Leasing takes only a job that is free, this replica's, or whose
	// lease has passed: a worker may lease a job it read a while ago (the
	// next of a chain), after another replica took it over.
	tag, err := t.q.Exec(t.ctx, `UPDATE jobs SET next_ns = $3, data = $4, claimed_by = $5, lease_ns = $6
		WHERE id = $1 AND key = $2
			AND (NOT $7 OR claimed_by IS NULL OR claimed_by = $8 OR lease_ns <= $9)`,
		j.ID, j.Key, nanos(j.NextAt), data, owner, until, j.Leased, t.db.opt.Replica, nanos(t.now()))
	if err != nil {
		return fmt.Errorf("put job %d: %w", j.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("put job: %w", notQueued(j))
	}
	return nil
}

// RenewLease extends this replica's lease on j to now+Lease. It fails
// with triage.ErrNotFound when j is gone or another replica holds it: the
// lease ran out and the job was taken over, so the caller's run of it is
// now a second one.
func (t *tx) RenewLease(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("renew lease: nil job")
	}
	tag, err := t.q.Exec(t.ctx, `UPDATE jobs SET lease_ns = $3 WHERE id = $1 AND key = $2 AND claimed_by = $4`,
		j.ID, j.Key, nanos(t.now().Add(t.db.opt.Lease)), t.db.opt.Replica)
	if err != nil {
		return fmt.Errorf("renew lease of job %d: %w", j.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("renew lease: job %d (%s) is not queued under this replica's lease: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	return nil
}

// RenewLeases extends this replica's leases on jobs to now+Lease in one
// statement, in a transaction of its own that waits for none of this
// process's Updates (they are serialised, and a burst queues hundreds of
// them), and returns the jobs gone or held by another replica. The
// statement writes only the lease of rows this replica holds; an Update
// that read one of them before it loses its race and is run again, as with
// another replica's write, and a deadlock with one is retried as run
// retries any lost race.
func (db *DB) RenewLeases(jobs []*triage.Job) ([]*triage.Job, error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = int64(j.ID)
	}
	held := make(map[uint64]string, len(jobs))
	err := db.run(pgx.TxOptions{}, "renew leases", func(ttx triage.Tx) error {
		t := ttx.(*tx)
		clear(held) // run may call this function again
		rows, err := t.q.Query(t.ctx, `UPDATE jobs SET lease_ns = $2 WHERE id = ANY($1) AND claimed_by = $3 RETURNING id, key`,
			ids, nanos(t.now().Add(db.opt.Lease)), db.opt.Replica)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var key string
			if err := rows.Scan(&id, &key); err != nil {
				rows.Close()
				return err
			}
			held[uint64(id)] = key
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("renew leases of %d jobs: %w", len(jobs), err)
	}
	var lost []*triage.Job
	for _, j := range jobs {
		if key, ok := held[j.ID]; !ok || key != j.Key {
			lost = append(lost, j)
		}
	}
	return lost, nil
}

func notQueued(j *triage.Job) error {
	return fmt.Errorf("job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
}

// CompleteJob removes j and keeps its key as done until now+DedupeTTL.
func (t *tx) CompleteJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("complete job: nil job")
	}
	tag, err := t.q.Exec(t.ctx, "DELETE FROM jobs WHERE id = $1 AND key = $2", j.ID, j.Key)
	if err != nil {
		return fmt.Errorf("complete job %d: %w", j.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("complete job: %w", notQueued(j))
	}
	if err := t.markDone(j.Key); err != nil {
		return fmt.Errorf("complete job %d: %w", j.ID, err)
	}
	return nil
}

func (t *tx) markDone(key string) error {
	_, err := t.q.Exec(t.ctx, `INSERT INTO job_keys_done (key, until_ns) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET until_ns = $2`, key, nanos(t.now().Add(t.db.opt.DedupeTTL)))
	return err
}

// BuryJob moves j, with its final attempt count and error, to the dead
// letters, where its key keeps blocking re-enqueues until an operator acts.
func (t *tx) BuryJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("bury job: nil job")
	}
	data, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("bury job %d: encode: %w", j.ID, err)
	}
	tag, err := t.q.Exec(t.ctx, `WITH gone AS (DELETE FROM jobs WHERE id = $1 AND key = $2 RETURNING id, key)
		INSERT INTO dead_jobs (id, key, data) SELECT id, key, $3 FROM gone`, j.ID, j.Key, data)
	if err != nil {
		return fmt.Errorf("bury job %d: %w", j.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("bury job: %w", notQueued(j))
	}
	return nil
}
