package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// A job key's state in the job_keys bucket: the first byte says which, the
// rest is a job's sequence (or a key of job_done's own: markDone). A
// keyQueued key whose job is in the jobs bucket is queued; one whose
// sequence is in job_done was completed and blocks a re-enqueue until
// the time kept there. Completing a job so leaves its
// key's entry as it is: job keys are scattered (a request id, a Slack
// channel), and rewriting one cost a leaf of its own at every completion.
const (
	keyQueued = 'q'
	keyBuried = 'b'
)

func keyState(state byte, rest []byte) []byte { return append([]byte{state}, rest...) }

// Enqueue adds j unless its Key is queued, buried (an operator decides with
// RetryDead or DiscardDead) or was completed less than Options.DedupeTTL ago.
// It sets j.ID to the job's sequence when the job is added.
func (t *tx) Enqueue(j *triage.Job) (bool, error) {
	if j == nil || j.Key == "" {
		return false, fmt.Errorf("enqueue job: a job needs a key, which makes it idempotent")
	}
	if v := t.bucket(bucketJobKeys).Get([]byte(j.Key)); len(v) > 0 {
		if v[0] != keyQueued || len(v) != 1+idLen {
			return false, nil
		}
		// A copy: bbolt's bytes are gone once the bucket changes.
		seq := bytes.Clone(v[1:])
		if t.bucket(bucketJobs).Get(seq) != nil {
			return false, nil
		}
		done := t.bucket(bucketJobDone)
		if d := done.Get(seq); len(d) >= timeLen {
			if t.now().Before(decodeTime(d[:timeLen])) {
				return false, nil
			}
			if err := done.Delete(seq); err != nil {
				return false, fmt.Errorf("enqueue job %s: %w", j.Key, err)
			}
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

// queue writes j to the queue, the due index (with its lease) and the key
// index.
func (t *tx) queue(j *triage.Job) error {
	data, err := encodeQueued(j)
	if err != nil {
		return err
	}
	if err := t.bucket(bucketJobs).Put(u64(j.ID), data); err != nil {
		return err
	}
	if err := t.bucket(bucketJobDue).Put(dueKey(j.NextAt, j.ID), dueValue(j.Leased)); err != nil {
		return err
	}
	return t.bucket(bucketJobKeys).Put([]byte(j.Key), keyState(keyQueued, u64(j.ID)))
}

// A queued job's lease is kept in its due index entry's value (schema 11),
// not in the job: a lease is the outbox's most frequent write, and the
// jobs the outbox runs at once spread over many leaves of jobs, whose
// values carry their payloads, but over one or two of job_due, whose
// entries are a few bytes and which each completion dirties anyway. A
// job written by schema 10 may still carry the lease in its own flags
// (jobLeased); either says leased.
var dueLeasedValue = []byte{1}

// dueValue is the due index entry's value for a job leased or not.
func dueValue(leased bool) []byte {
	if leased {
		return dueLeasedValue
	}
	return nil
}

// dueLeased reports whether a due index entry's value says leased.
func dueLeased(v []byte) bool { return len(v) > 0 && v[0] == dueLeasedValue[0] }

// encodeQueued encodes j for the jobs bucket: its lease goes to the due
// index instead.
func encodeQueued(j *triage.Job) ([]byte, error) {
	if !j.Leased {
		return encodeJob(j)
	}
	c := *j
	c.Leased = false
	return encodeJob(&c)
}

// DueJobs reads the due index in (NextAt, sequence) order and stops at the
// first job not yet due, so it never scans jobs waiting for later. A limit
// <= 0 means no limit. The outbox's rounds call it hundreds of times a
// second while a burst drains, reading again the jobs running at the
// index's head: the jobs are found with one cursor, mostly by a step to
// the next key (jobs come due mostly in the order they were queued)
// instead of a search from the root, and copied out in chunks.
func (t *tx) DueJobs(now time.Time, limit int) ([]*triage.Job, error) {
	var out []*triage.Job
	var chunk []triage.Job
	jobs := t.bucket(bucketJobs).Cursor()
	var at []byte // the key the jobs cursor is at, nil before the first
	c := t.bucket(bucketJobDue).Cursor()
	for k, dv := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, dv = c.Next() {
		if decodeTime(k[:timeLen]).After(now) {
			break
		}
		seq := k[timeLen:]
		var v []byte
		if at != nil {
			at, v = jobs.Next()
		}
		if at == nil || !bytes.Equal(at, seq) {
			at, v = jobs.Seek(seq)
		}
		if at == nil || !bytes.Equal(at, seq) {
			return nil, fmt.Errorf("read due job %d: the due index points at a missing job", decodeID(seq))
		}
		if len(chunk) == cap(chunk) {
			chunk = make([]triage.Job, 0, dueChunk)
		}
		chunk = chunk[:len(chunk)+1]
		j := &chunk[len(chunk)-1]
		if err := jobDecodes.decodeInto(binary.BigEndian.Uint64(seq), v, j); err != nil {
			return nil, fmt.Errorf("decode job %d: %w", decodeID(seq), err)
		}
		j.Leased = j.Leased || dueLeased(dv)
		out = append(out, j)
	}
	return out, nil
}

// dueChunk is how many jobs DueJobs allocates at a time. A job the caller
// keeps keeps its chunk.
const dueChunk = 32

// unqueue removes the queued job j.ID from the queue and the due index and
// returns its stored version; a job not queued wraps triage.ErrNotFound.
func (t *tx) unqueue(j *triage.Job) (*triage.Job, error) {
	jobs := t.bucket(bucketJobs)
	v := jobs.Get(u64(j.ID))
	if v == nil {
		return nil, fmt.Errorf("job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	old, err := jobDecodes.decode(j.ID, v)
	if err != nil {
		return nil, fmt.Errorf("decode job %d: %w", j.ID, err)
	}
	if old.Key != j.Key {
		return nil, fmt.Errorf("job %d has key %q, not %q", j.ID, old.Key, j.Key)
	}
	if err := jobs.Delete(u64(j.ID)); err != nil {
		return nil, err
	}
	due := t.bucket(bucketJobDue)
	k := dueKey(old.NextAt, j.ID)
	old.Leased = old.Leased || dueLeased(due.Get(k))
	return old, due.Delete(k)
}

// PutJob saves j's attempt count, NextAt and error, moving its due entry.
func (t *tx) PutJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("put job: nil job")
	}
	if v := t.bucket(bucketJobs).Get(u64(j.ID)); v != nil {
		// A lease changes neither the due time nor the key.
		old, err := jobDecodes.decode(j.ID, v)
		if err != nil {
			return fmt.Errorf("put job: decode job %d: %w", j.ID, err)
		}
		if old.Key == j.Key && old.NextAt.Equal(j.NextAt) {
			data, err := encodeQueued(j)
			if err != nil {
				return fmt.Errorf("put job %d: %w", j.ID, err)
			}
			// A lease changes only the due entry's value: the job is
			// written again only when more than that changed (or it
			// still holds a schema 10 lease in its flags).
			if !bytes.Equal(data, v) {
				if err := t.bucket(bucketJobs).Put(u64(j.ID), data); err != nil {
					return fmt.Errorf("put job %d: %w", j.ID, err)
				}
			}
			due := t.bucket(bucketJobDue)
			k := dueKey(j.NextAt, j.ID)
			if dueLeased(due.Get(k)) == j.Leased {
				return nil
			}
			if err := due.Put(k, dueValue(j.Leased)); err != nil {
				return fmt.Errorf("put job %d: %w", j.ID, err)
			}
			return nil
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
	old, err := jobDecodes.decode(j.ID, v)
	if err != nil {
		return fmt.Errorf("renew lease: decode job %d: %w", j.ID, err)
	}
	if old.Key != j.Key {
		return fmt.Errorf("renew lease: job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	return nil
}

// CompleteJob removes j and keeps its key as done until now+DedupeTTL,
// under j's sequence in job_done, to which the key's entry already points.
func (t *tx) CompleteJob(j *triage.Job) error {
	if j == nil {
		return fmt.Errorf("complete job: nil job")
	}
	if _, err := t.unqueue(j); err != nil {
		return fmt.Errorf("complete job: %w", err)
	}
	if err := t.bucket(bucketJobDone).Put(u64(j.ID), doneValue(t.now().Add(t.dedupeTTL), j.Key)); err != nil {
		return fmt.Errorf("complete job %d: %w", j.ID, err)
	}
	return nil
}

// doneValue is a job_done value: until when the key blocks a re-enqueue,
// then the key, which PurgeExpired removes from job_keys with it.
func doneValue(until time.Time, key string) []byte {
	return append(appendTime(make([]byte, 0, timeLen+len(key)), until), key...)
}

// doneOwn is where job_done's keys of its own start, past every job
// sequence.
const doneOwn = 1 << 63

// markDone keeps key as done until until, for a key with no queued job (a
// discarded dead job, an imported or migrated done key), under a key of
// job_done's own: doneOwn plus job_done's sequence. The jobs' sequence is
// not taken for it, so that an import leaves it as the source had it, nor
// a dead job's old one, which would put the entry out of the order of
// expiry that PurgeExpired walks in.
func (t *tx) markDone(key string, until time.Time) error {
	done := t.bucket(bucketJobDone)
	// The entry this one replaces, if any, would be purged with the key.
	if v := t.bucket(bucketJobKeys).Get([]byte(key)); len(v) == 1+idLen && v[0] == keyQueued {
		if err := done.Delete(bytes.Clone(v[1:])); err != nil {
			return err
		}
	}
	seq, err := done.NextSequence()
	if err != nil {
		return err
	}
	k := u64(doneOwn + seq)
	if err := done.Put(k, doneValue(until, key)); err != nil {
		return err
	}
	return t.bucket(bucketJobKeys).Put([]byte(key), keyState(keyQueued, k))
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
