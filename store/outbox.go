package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// A job key's state in the job_keys bucket: the first byte says which, the
// rest is the queued or buried job's sequence, or when a done key expires.
const (
	keyQueued = 'q'
	keyBuried = 'b'
	keyDone   = 'd'
)

func keyState(state byte, rest []byte) []byte { return append([]byte{state}, rest...) }

// Enqueue adds j unless its Key is queued, buried (an operator decides with
// RetryDead or DiscardDead) or was completed less than Options.DedupeTTL ago.
// It sets j.ID to the job's sequence when the job is added.
func (t *tx) Enqueue(j *triage.Job) (bool, error) {
	if j == nil || j.Key == "" {
		return false, fmt.Errorf("enqueue job: a job needs a key, which makes it idempotent")
	}
	keys := t.bucket(bucketJobKeys)
	if v := keys.Get([]byte(j.Key)); len(v) > 0 {
		if v[0] != keyDone {
			return false, nil
		}
		until := decodeTime(v[1:])
		if t.now().Before(until) {
			return false, nil
		}
		if err := t.bucket(bucketJobDoneExp).Delete(expiryKey(until, j.Key)); err != nil {
			return false, fmt.Errorf("enqueue job %s: %w", j.Key, err)
		}
	}
	seq, err := t.bucket(bucketJobs).NextSequence()
	if err != nil {
		return false, fmt.Errorf("enqueue job %s: %w", j.Key, err)
	}
	j.ID = seq
	if err := t.queue(j); err != nil {
		return false, fmt.Errorf("enqueue job %s: %w", j.Key, err)
	}
	return true, nil
}

// queue writes j to the queue, the due index and the key index.
func (t *tx) queue(j *triage.Job) error {
	data, err := encodeJob(j)
	if err != nil {
		return err
	}
	if err := t.bucket(bucketJobs).Put(u64(j.ID), data); err != nil {
		return err
	}
	if err := t.bucket(bucketJobDue).Put(dueKey(j.NextAt, j.ID), nil); err != nil {
		return err
	}
	return t.bucket(bucketJobKeys).Put([]byte(j.Key), keyState(keyQueued, u64(j.ID)))
}

// DueJobs reads the due index in (NextAt, sequence) order and stops at the
// first job not yet due, so it never scans jobs waiting for later. A limit
// <= 0 means no limit.
func (t *tx) DueJobs(now time.Time, limit int) ([]*triage.Job, error) {
	var out []*triage.Job
	jobs := t.bucket(bucketJobs)
	c := t.bucket(bucketJobDue).Cursor()
	for k, _ := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
		if decodeTime(k[:timeLen]).After(now) {
			break
		}
		seq := k[timeLen:]
		v := jobs.Get(seq)
		if v == nil {
			return nil, fmt.Errorf("read due job %d: the due index points at a missing job", decodeID(seq))
		}
		j, err := jobDecodes.decode(v)
		if err != nil {
			return nil, fmt.Errorf("decode job %d: %w", decodeID(seq), err)
		}
		out = append(out, j)
	}
	return out, nil
}

// unqueue removes the queued job j.ID from the queue and the due index and
// returns its stored version; a job not queued wraps triage.ErrNotFound.
func (t *tx) unqueue(j *triage.Job) (*triage.Job, error) {
	jobs := t.bucket(bucketJobs)
	v := jobs.Get(u64(j.ID))
	if v == nil {
		return nil, fmt.Errorf("job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	old, err := jobDecodes.decode(v)
	if err != nil {
		return nil, fmt.Errorf("decode job %d: %w", j.ID, err)
	}
	if old.Key != j.Key {
		return nil, fmt.Errorf("job %d has key %q, not %q", j.ID, old.Key, j.Key)
	}
	if err := jobs.Delete(u64(j.ID)); err != nil {
		return nil, err
	}
	return old, t.bucket(bucketJobDue).Delete(dueKey(old.NextAt, j.ID))
}

// PutJob saves j's attempt count, NextAt and error, moving its due entry.
func (t *tx) PutJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("put job: nil job")
	}
	if v := t.bucket(bucketJobs).Get(u64(j.ID)); v != nil {
		// A lease changes neither the due time nor the key: the job's
		// own entry is all there is to write.
		old, err := jobDecodes.decode(v)
		if err != nil {
			return fmt.Errorf("put job: decode job %d: %w", j.ID, err)
		}
		if old.Key == j.Key && old.NextAt.Equal(j.NextAt) {
			data, err := encodeJob(j)
			if err != nil {
				return fmt.Errorf("put job %d: %w", j.ID, err)
			}
			return t.bucket(bucketJobs).Put(u64(j.ID), data)
		}
	}
	if _, err := t.unqueue(j); err != nil {
		return fmt.Errorf("put job: %w", err)
	}
	if err := t.queue(j); err != nil {
		return fmt.Errorf("put job %d: %w", j.ID, err)
	}
	return nil
}

// RenewLease checks that j is still queued. One process owns a bbolt
// file, so no other replica can take a job over and there is no lease to
// extend.
func (t *tx) RenewLease(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("renew lease: nil job")
	}
	v := t.bucket(bucketJobs).Get(u64(j.ID))
	if v == nil {
		return fmt.Errorf("renew lease: job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	old, err := jobDecodes.decode(v)
	if err != nil {
		return fmt.Errorf("renew lease: decode job %d: %w", j.ID, err)
	}
	if old.Key != j.Key {
		return fmt.Errorf("renew lease: job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	return nil
}

// CompleteJob removes j and keeps its key as done until now+DedupeTTL.
func (t *tx) CompleteJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("complete job: nil job")
	}
	if _, err := t.unqueue(j); err != nil {
		return fmt.Errorf("complete job: %w", err)
	}
	if err := t.markDone(j.Key); err != nil {
		return fmt.Errorf("complete job %d: %w", j.ID, err)
	}
	return nil
}

func (t *tx) markDone(key string) error {
	until := t.now().Add(t.dedupeTTL)
	if err := t.bucket(bucketJobKeys).Put([]byte(key), keyState(keyDone, encodeTime(until))); err != nil {
		return err
	}
	return t.bucket(bucketJobDoneExp).Put(expiryKey(until, key), nil)
}

// BuryJob moves j, with its final attempt count and error, to the dead
// letters, where its key keeps blocking re-enqueues until an operator acts.
func (t *tx) BuryJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("bury job: nil job")
	}
	if _, err := t.unqueue(j); err != nil {
		return fmt.Errorf("bury job: %w", err)
	}
	data, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("bury job %d: encode: %w", j.ID, err)
	}
	if err := t.bucket(bucketDead).Put(u64(j.ID), data); err != nil {
		return fmt.Errorf("bury job %d: %w", j.ID, err)
	}
	if err := t.bucket(bucketJobKeys).Put([]byte(j.Key), keyState(keyBuried, u64(j.ID))); err != nil {
		return fmt.Errorf("bury job %d: %w", j.ID, err)
	}
	return nil
}
