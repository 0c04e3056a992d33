package memory

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// jobKey is a job key's state: queued or buried (with the job's id), or
// done until a time.
type jobKey struct {
	state byte
	id    uint64
	until time.Time
}

const (
	keyQueued = 'q'
	keyBuried = 'b'
	keyDone   = 'd'
)

// dueAt is a queued job's entry in the due order, (NextAt, ID).
func dueAt(j *triage.Job) stamp { return stamp{j.NextAt, int64(j.ID)} }

// Enqueue adds a copy of j unless its Key is queued, buried or was
// completed less than the store's dedupe TTL ago, as store.DB does. It
// sets j.ID.
func (t *tx) Enqueue(j *triage.Job) (bool, error) {
	if err := t.writable("enqueue job"); err != nil {
		return false, err
	}
	if j == nil || j.Key == "" {
		return false, fmt.Errorf("enqueue job: a job needs a key, which makes it idempotent")
	}
	if k, ok := t.s.jobKeys.m[j.Key]; ok && (k.state != keyDone || t.s.now().Before(k.until)) {
		return false, nil
	}
	t.s.lastJob++
	j.ID = t.s.lastJob
	t.queue(j)
	return true, nil
}

// queue keeps a copy of j, queued.
func (t *tx) queue(j *triage.Job) {
	s := t.s
	s.queued.set(j.ID, cloneJob(j))
	s.due.add(struct{}{}, dueAt(j))
	s.jobKeys.set(j.Key, jobKey{state: keyQueued, id: j.ID})
	if j.RequestID > 0 {
		s.pending.set(j.RequestID, s.pending.m[j.RequestID]+1)
	}
}

// DueJobs returns copies of up to limit queued jobs whose NextAt is not
// after now, in (NextAt, ID) order; a limit <= 0 means no limit.
func (t *tx) DueJobs(now time.Time, limit int) ([]*triage.Job, error) {
	var out []*triage.Job
	for _, e := range t.s.due.lists[struct{}{}] {
		if e.at.After(now) || (limit > 0 && len(out) >= limit) {
			break
		}
		out = append(out, cloneJob(t.s.queued.m[uint64(e.id)]))
	}
	return out, nil
}

func cloneJob(j *triage.Job) *triage.Job {
	c := *j
	c.Payload = slices.Clone(j.Payload)
	return &c
}

// unqueue removes the queued job j.ID; a job not queued wraps
// triage.ErrNotFound.
func (t *tx) unqueue(j *triage.Job) error {
	s := t.s
	old := s.queued.m[j.ID]
	if old == nil {
		return fmt.Errorf("job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	if old.Key != j.Key {
		return fmt.Errorf("job %d has key %q, not %q", j.ID, old.Key, j.Key)
	}
	s.queued.del(j.ID)
	if id := old.RequestID; id > 0 {
		if n := s.pending.m[id] - 1; n > 0 {
			s.pending.set(id, n)
		} else {
			s.pending.del(id)
		}
	}
	s.due.remove(struct{}{}, dueAt(old))
	return nil
}

// PutJob saves j's attempt count, NextAt and error.
func (t *tx) PutJob(j *triage.Job) error {
	if err := t.writable("put job"); err != nil {
		return err
	}
	if j == nil {
		return fmt.Errorf("put job: nil job")
	}
	if err := t.unqueue(j); err != nil {
		return fmt.Errorf("put job: %w", err)
	}
	t.queue(j)
	return nil
}

// RenewLease checks that j is still queued: a memory store has one
// process and no leases to extend.
func (t *tx) RenewLease(j *triage.Job) error {
	if err := t.writable("renew lease"); err != nil {
		return err
	}
	if j == nil {
		return fmt.Errorf("renew lease: nil job")
	}
	if old := t.s.queued.m[j.ID]; old == nil || old.Key != j.Key {
		return fmt.Errorf("renew lease: job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	return nil
}

// CompleteJob removes j and keeps its key as done for the dedupe TTL.
func (t *tx) CompleteJob(j *triage.Job) error {
	if err := t.writable("complete job"); err != nil {
		return err
	}
	if j == nil {
		return fmt.Errorf("complete job: nil job")
	}
	if err := t.unqueue(j); err != nil {
		return fmt.Errorf("complete job: %w", err)
	}
	t.s.jobKeys.set(j.Key, jobKey{state: keyDone, until: t.s.now().Add(t.s.dedupeTTL)})
	return nil
}

// BuryJob moves j to the dead letters, where its key keeps blocking
// re-enqueues.
func (t *tx) BuryJob(j *triage.Job) error {
	if err := t.writable("bury job"); err != nil {
		return err
	}
	if j == nil {
		return fmt.Errorf("bury job: nil job")
	}
	if err := t.unqueue(j); err != nil {
		return fmt.Errorf("bury job: %w", err)
	}
	t.s.dead.set(j.ID, cloneJob(j))
	t.s.jobKeys.set(j.Key, jobKey{state: keyBuried, id: j.ID})
	return nil
}

// Dead returns copies of the buried jobs, oldest first.
func (s *Store) Dead() []*triage.Job {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*triage.Job, 0, len(s.dead.m))
	for _, j := range s.dead.m {
		out = append(out, cloneJob(j))
	}
	slices.SortFunc(out, func(a, b *triage.Job) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
