package store

import (
	"sync"

	"github.com/sprintguard/sprintguard/triage"
)

// jobCacheSize bounds the decoded jobs kept; the cache is emptied when
// full, as the outbox's head, which is what is read again, refills it at
// once.
const jobCacheSize = 8192

// jobCache keeps queued jobs decoded, by sequence, with the bytes each
// was decoded from. The parallel outbox reads the head of the due index in
// every round, once per finished job, and decoding those jobs again was
// most of its CPU time (in JSON, as they were stored then). An entry is
// used only for the same bytes, so it cannot go stale: a job that changes
// is stored as other bytes. Keyed by the bytes themselves, each lookup
// hashed the whole job, a tenth of what a round cost. It is safe for
// concurrent use.
type jobCache struct {
	mu sync.Mutex
	m  map[uint64]cachedJob
}

// cachedJob is a job and the bytes it was decoded from.
type cachedJob struct {
	stored string
	job    *triage.Job
}

// jobDecodes is shared by every store in the process: the same bytes
// decode to the same job whichever file holds them.
var jobDecodes jobCache

// decode returns the job stored as v under the sequence seq, a copy that
// the caller may change except for its Payload's bytes, which copies share.
func (c *jobCache) decode(seq uint64, v []byte) (*triage.Job, error) {
	j := new(triage.Job)
	if err := c.decodeInto(seq, v, j); err != nil {
		return nil, err
	}
	return j, nil
}

// decodeInto is decode into dst, for a caller that allocates many jobs at
// once.
func (c *jobCache) decodeInto(seq uint64, v []byte, dst *triage.Job) error {
	c.mu.Lock()
	e, ok := c.m[seq]
	c.mu.Unlock()
	if ok && e.stored == string(v) {
		*dst = *e.job
		return nil
	}
	j, err := decodeJob(v)
	if err != nil {
		return err
	}
	*dst = *j
	c.mu.Lock()
	if c.m == nil || len(c.m) >= jobCacheSize {
		c.m = make(map[uint64]cachedJob, jobCacheSize)
	}
	c.m[seq] = cachedJob{stored: string(v), job: j}
	c.mu.Unlock()
	return nil
}
