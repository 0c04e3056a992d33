package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

// purgeBatch bounds how much one purge transaction deletes, so that a large
// backlog of expired keys never holds the write lock for long.
const purgeBatch = 10000

// WriteBackup writes a consistent copy of the whole file to w from one read
// transaction; other goroutines keep writing meanwhile. What the journal
// holds is taken into the file first, so the copy has every delivery
// acknowledged before the call.
func (db *DB) WriteBackup(w io.Writer) (int64, error) {
	if err := db.moveJournal(); err != nil {
		return 0, fmt.Errorf("write backup of %s: %w", db.path, err)
	}
	var n int64
	err := db.bolt.View(func(b *bolt.Tx) error {
		var err error
		n, err = b.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("write backup of %s: %w", db.path, err)
	}
	return n, nil
}

// Backup writes a consistent copy to path: a temporary file in the same
// directory, synced and then renamed, so path is never a partial copy.
func (db *DB) Backup(path string) (err error) {
	if same, _ := sameFile(path, db.path); same {
		return fmt.Errorf("back up %s: the backup would overwrite the store itself", db.path)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("back up %s: %w", db.path, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := db.WriteBackup(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("back up %s: sync %s: %w", db.path, f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("back up %s: close %s: %w", db.path, f.Name(), err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("back up %s: %w", db.path, err)
	}
	// The rename is only durable once the directory entry is synced.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// PurgeExpired removes claims and completed-job keys whose expiry is not
// after now, and returns how many it removed, in transactions of at most
// purgeBatch deletions. It walks only what is in expiry order: the
// claims' expiry index, and job_done, whose sequences follow the jobs'
// enqueues; it stops at the first completed job not yet expired, so one
// completed long after its enqueue keeps the expired ones after it until
// a later purge (Enqueue reads their expiry, so they block nothing). The
// event claims it removes leave the store's memory of them too
// (eventClaims).
func (db *DB) PurgeExpired(now time.Time) (int, error) {
	total := 0
	for _, p := range []struct {
		bucket []byte
		purge  func(b *bolt.Tx, now time.Time) (scanned, removed int, err error)
	}{{bucketClaims, db.purgeClaims}, {bucketJobDone, purgeDone}} {
		for {
			// scanned bounds the transaction; removed counts only what the
			// entries walked still owned.
			var scanned, removed int
			err := db.update(func(b *bolt.Tx) error {
				var err error
				scanned, removed, err = p.purge(b, now) // a re-run starts over
				return err
			})
			if err != nil {
				return total, fmt.Errorf("purge expired %s: %w", p.bucket, err)
			}
			total += removed
			if scanned < purgeBatch {
				break
			}
		}
	}
	return total, nil
}

// purgeClaims deletes up to purgeBatch expired entries of the claims'
// expiry index, and the claims they still own.
func (db *DB) purgeClaims(b *bolt.Tx, now time.Time) (scanned, removed int, err error) {
	var gone []claimNote
	index, claims := b.Bucket(bucketClaimExp), b.Bucket(bucketClaims)
	c := index.Cursor()
	for k, _ := c.First(); k != nil && scanned < purgeBatch; k, _ = c.First() {
		exp := decodeTime(k[:timeLen])
		if exp.After(now) {
			break
		}
		name := k[timeLen:]
		// The index entry is stale when the key was claimed again since;
		// only the entry matching the stored expiry owns it.
		if v := claims.Get(name); len(v) >= timeLen && decodeTime(v[:timeLen]).Equal(exp) {
			if err := claims.Delete(name); err != nil {
				return scanned, removed, err
			}
			removed++
			if k, ok := eventKey(string(name)); ok && db.claims != nil {
				gone = append(gone, claimNote{k, UnixNanos(exp)})
			}
		}
		if err := c.Delete(); err != nil {
			return scanned, removed, err
		}
		scanned++
	}
	if len(gone) > 0 {
		c, id := db.claims, b.ID()
		b.OnCommit(func() { c.forget(gone, id) })
	}
	return scanned, removed, nil
}

// purgeDone deletes up to purgeBatch expired entries from the head of
// each of job_done's two ranges (completed jobs' sequences, then its own
// keys from doneOwn), and their keys' entries where those still point at
// them.
func purgeDone(b *bolt.Tx, now time.Time) (scanned, removed int, err error) {
	keys := b.Bucket(bucketJobKeys)
	c := b.Bucket(bucketJobDone).Cursor()
	for _, r := range [][2][]byte{{u64(0), u64(doneOwn)}, {u64(doneOwn), nil}} {
		from, to := r[0], r[1]
		for k, v := c.Seek(from); k != nil && scanned < purgeBatch; k, v = c.Seek(from) {
			if to != nil && bytes.Compare(k, to) >= 0 || len(v) >= timeLen && decodeTime(v[:timeLen]).After(now) {
				break
			}
			if len(v) >= timeLen {
				key := bytes.Clone(v[timeLen:])
				if cur := keys.Get(key); len(cur) == 1+idLen && cur[0] == keyQueued && bytes.Equal(cur[1:], k) {
					if err := keys.Delete(key); err != nil {
						return scanned, removed, err
					}
					removed++
				}
			}
			if err := c.Delete(); err != nil {
				return scanned, removed, err
			}
			scanned++
		}
	}
	return scanned, removed, nil
}

// Stats are counts for metrics and `sprintguard` status output.
type Stats struct {
	Requests     int
	OpenRequests int
	Tickets      int
	Claims       int
	QueuedJobs   int
	DeadJobs     int
	// OldestQueued is the CreatedAt of the earliest-enqueued queued job;
	// zero when the queue is empty.
	OldestQueued time.Time
	// FileSize is the size of the data in bytes, as a backup would be.
	FileSize int64
}

// Stats counts what the store holds. It walks each bucket's pages, which
// takes milliseconds even for a quarter million requests.
func (db *DB) Stats() (Stats, error) {
	var s Stats
	err := db.bolt.View(func(b *bolt.Tx) error {
		s.Requests = b.Bucket(bucketRequests).Stats().KeyN
		s.OpenRequests = b.Bucket(bucketReqOpen).Stats().KeyN
		s.Tickets = b.Bucket(bucketTickets).Stats().KeyN
		s.Claims = b.Bucket(bucketClaims).Stats().KeyN
		s.FileSize = b.Size()
		var err error
		s.QueuedJobs, s.DeadJobs, s.OldestQueued, err = outboxStats(b)
		return err
	})
	if err != nil {
		return s, fmt.Errorf("read stats of %s: %w", db.path, err)
	}
	return s, nil
}

// OutboxStats returns how many jobs are queued and dead, and the CreatedAt
// of the earliest-enqueued queued job (zero when none is queued).
func (db *DB) OutboxStats() (queued, dead int, oldest time.Time, err error) {
	err = db.bolt.View(func(b *bolt.Tx) error {
		queued, dead, oldest, err = outboxStats(b)
		return err
	})
	if err != nil {
		err = fmt.Errorf("read outbox stats of %s: %w", db.path, err)
	}
	return queued, dead, oldest, err
}

func outboxStats(b *bolt.Tx) (queued, dead int, oldest time.Time, err error) {
	jobs := b.Bucket(bucketJobs)
	queued = jobs.Stats().KeyN
	dead = b.Bucket(bucketDead).Stats().KeyN
	// Sequences grow with every enqueue, so the first job is the oldest.
	if _, v := jobs.Cursor().First(); v != nil {
		j, err := decodeJob(v)
		if err != nil {
			return queued, dead, oldest, fmt.Errorf("decode oldest job: %w", err)
		}
		oldest = j.CreatedAt
	}
	return queued, dead, oldest, nil
}

// DeadJobs lists the buried jobs in the order they were first enqueued.
func (db *DB) DeadJobs() ([]*triage.Job, error) {
	var out []*triage.Job
	err := db.bolt.View(func(b *bolt.Tx) error {
		return b.Bucket(bucketDead).ForEach(func(k, v []byte) error {
			j := new(triage.Job)
			if err := json.Unmarshal(v, j); err != nil {
				return fmt.Errorf("decode dead job %d: %w", decodeID(k), err)
			}
			out = append(out, j)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list dead jobs in %s: %w", db.path, err)
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
		if err := t.queue(j); err != nil {
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
		if err := t.markDone(j.Key, t.now().Add(t.dedupeTTL)); err != nil {
			return fmt.Errorf("discard dead job %d: %w", id, err)
		}
		return nil
	})
}

// takeDead removes dead job id and returns it; a missing one wraps
// triage.ErrNotFound.
func (t *tx) takeDead(id uint64) (*triage.Job, error) {
	dead := t.bucket(bucketDead)
	v := dead.Get(u64(id))
	if v == nil {
		return nil, fmt.Errorf("no such dead job: %w", triage.ErrNotFound)
	}
	j := new(triage.Job)
	if err := json.Unmarshal(v, j); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return j, dead.Delete(u64(id))
}
