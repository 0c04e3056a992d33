package store

import (
	"slices"

	"github.com/sprintguard/sprintguard/triage"
)

// requestCacheSize bounds a Session's cache of decoded requests. Most reuse
// is soon after a write (the ticket job, the first reply), so a small cache
// that is emptied when full catches it without holding the whole history.
const requestCacheSize = 4096

// requestCache keeps a Session's recently written or read requests
// decoded. Decoding JSON was the largest cost of a replay; a Session owns
// its store alone, so the cache cannot go stale. It hands out copies, so
// callers may change what they get, as they may with a decoded request.
type requestCache struct {
	m map[int64]*triage.Request
}

func (c *requestCache) get(id int64) *triage.Request {
	if r := c.m[id]; r != nil {
		return cloneRequest(r)
	}
	return nil
}

func (c *requestCache) put(r *triage.Request) {
	if c.m == nil || len(c.m) >= requestCacheSize {
		c.m = make(map[int64]*triage.Request, requestCacheSize)
	}
	c.m[r.ID] = cloneRequest(r)
}

// cloneRequest copies r with nothing shared: every slice is copied.
// TestCloneRequestSharesNothing fails when a new field is not.
func cloneRequest(r *triage.Request) *triage.Request {
	c := *r
	c.Links = slices.Clone(r.Links)
	c.Overrides = slices.Clone(r.Overrides)
	c.Events = slices.Clone(r.Events)
	c.Posts = slices.Clone(r.Posts)
	c.Similar = slices.Clone(r.Similar)
	c.Decision.Labels = slices.Clone(r.Decision.Labels)
	c.Decision.Matched = slices.Clone(r.Decision.Matched)
	c.Decision.Also = slices.Clone(r.Decision.Also)
	return &c
}
