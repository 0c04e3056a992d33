package store

import (
	"sync"

	"github.com/sprintguard/sprintguard/triage"
)

// jobCacheSize bounds the decoded jobs kept; the cache is emptied when
// full, as the outbox's head, which is what is read again, refills it at
// once.
const jobCacheSize = 8192

// jobCache keeps queued jobs decoded, keyed by their stored bytes. The
// parallel outbox reads the head of the due index in every round, once
// per finished job, and decoding those jobs again was most of its CPU
// time (in JSON, as they were stored then). Keyed by content, an entry cannot go stale: a job that
// changes is stored as other bytes. It is safe for concurrent use.
type jobCache struct {
	mu sync.Mutex
	m  map[string]*triage.Job
}

// jobDecodes is shared by every store in the process: the same bytes
// decode to the same job whichever file holds them.
var jobDecodes jobCache

// decode returns the job stored as v, a copy that the caller may change
// except for its Payload's bytes, which copies share.
func (c *jobCache) decode(v []byte) (*triage.Job, error) {
	c.mu.Lock()
	j, ok := c.m[string(v)]
	c.mu.Unlock()
	if ok {
		cp := *j
		return &cp, nil
	}
	j, err := decodeJob(v)
	if err != nil {
		return nil, err
	}
	cp := *j
	c.mu.Lock()
	if c.m == nil || len(c.m) >= jobCacheSize {
		c.m = make(map[string]*triage.Job, jobCacheSize)
	}
	c.m[string(v)] = &cp
	c.mu.Unlock()
	return j, nil
}
