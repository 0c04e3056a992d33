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

// dueEntry is one queued job in the due order, (NextAt, ID).
type dueEntry struct {
	at time.Time
	id uint64
}

func (a dueEntry) compare(b dueEntry) int {
	return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id))
}

// Enqueue adds j unless its Key is queued, buried or was completed less
// than the store's dedupe TTL ago, as store.DB does. It sets j.ID.
func (t *tx) Enqueue(j *triage.Job) (bool, error) {
	if err := t.writable("enqueue job"); err != nil {
		return false, err
	}
	if j == nil || j.Key == "" {
		return false, fmt.Errorf("enqueue job: a job needs a key, which makes it idempotent")
	}
	if k, ok := t.s.jobKeys[j.Key]; ok && (k.state != keyDone || t.s.now().Before(k.until)) {
		return false, nil
	}
	t.s.lastJob++
	j.ID = t.s.lastJob
	t.queue(j)
	return true, nil
}

func (t *tx) queue(j *triage.Job) {
	s := t.s
	s.queued[j.ID] = j
	e := dueEntry{j.NextAt, j.ID}
	if n := len(s.due); n == 0 || s.due[n-1].compare(e) < 0 {
		s.due = append(s.due, e)
	} else {
		i, _ := slices.BinarySearchFunc(s.due, e, dueEntry.compare)
		s.due = slices.Insert(s.due, i, e)
	}
	s.jobKeys[j.Key] = jobKey{state: keyQueued, id: j.ID}
	if j.RequestID > 0 {
		s.pending[j.RequestID]++
	}
}

// DueJobs returns up to limit queued jobs whose NextAt is not after now,
// in (NextAt, ID) order; a limit <= 0 means no limit.
func (t *tx) DueJobs(now time.Time, limit int) ([]*triage.Job, error) {
	var out []*triage.Job
	for _, e := range t.s.due {
		if e.at.After(now) || (limit > 0 && len(out) >= limit) {
			break
		}
		c := *t.s.queued[e.id]
		out = append(out, &c)
	}
	return out, nil
}

// unqueue removes the queued job j.ID; a job not queued wraps
// triage.ErrNotFound.
func (t *tx) unqueue(j *triage.Job) error {
	s := t.s
	old := s.queued[j.ID]
	if old == nil {
		return fmt.Errorf("job %d (%s) is not queued: %w", j.ID, j.Key, triage.ErrNotFound)
	}
	if old.Key != j.Key {
		return fmt.Errorf("job %d has key %q, not %q", j.ID, old.Key, j.Key)
	}
	delete(s.queued, j.ID)
	if old.RequestID > 0 {
		if s.pending[old.RequestID]--; s.pending[old.RequestID] <= 0 {
			delete(s.pending, old.RequestID)
		}
	}
	if i, found := slices.BinarySearchFunc(s.due, dueEntry{old.NextAt, old.ID}, dueEntry.compare); found {
		s.due = slices.Delete(s.due, i, i+1)
	}
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
	c := *j
	t.queue(&c)
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
	if old := t.s.queued[j.ID]; old == nil || old.Key != j.Key {
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
	t.s.jobKeys[j.Key] = jobKey{state: keyDone, until: t.s.now().Add(t.s.dedupeTTL)}
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
	c := *j
	t.s.dead[j.ID] = &c
	t.s.jobKeys[j.Key] = jobKey{state: keyBuried, id: j.ID}
	return nil
}

// Dead returns the buried jobs, oldest first.
func (s *Store) Dead() []*triage.Job {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*triage.Job, 0, len(s.dead))
	for _, j := range s.dead {
		c := *j
		out = append(out, &c)
	}
	slices.SortFunc(out, func(a, b *triage.Job) int { return dueEntry{id: a.ID}.compare(dueEntry{id: b.ID}) })
	return out
}
