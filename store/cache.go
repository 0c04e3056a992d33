package store

import (
	"bytes"
	"sync"

	"github.com/sprintguard/sprintguard/triage"
)

// requestCacheSize bounds a generation of a Session's cache of decoded
// requests. Most reuse is soon after a write (the ticket job, the first
// reply), so a small cache catches it without holding the whole history.
const requestCacheSize = 4096

// sharedCacheSize bounds a generation of a DB's cache, whose entries also
// hold the stored bytes they are checked against.
const sharedCacheSize = 2048

// requestCache keeps recently written or read requests decoded. Decoding
// JSON was the largest cost of a replay, and of the outbox, whose jobs
// each read their request again. A Session owns its store alone, so its
// cache cannot go stale. A DB's cache is shared with every transaction
// and checked: an entry is used only while the stored bytes are the ones
// it was decoded from (a transaction rolled back, or another writer, just
// makes it miss). It hands out copies, so callers may change what they
// get, as they may with a decoded request. It is safe for concurrent use.
type requestCache struct {
	// checked makes get compare the stored bytes (a DB's cache).
	checked bool
	mu      sync.Mutex
	// m is the current generation and old the one before: when m is
	// full it becomes old, so the latest entries always stay. Emptying
	// the cache when full instead dropped, after a burst, the requests
	// the similar-request lookups read next (5% of serve's CPU went to
	// decoding them again).
	m, old map[int64]cachedRequest
}

type cachedRequest struct {
	r    *triage.Request
	data []byte // what r was decoded from or encoded to; checked caches only
}

// get returns a copy of request id if it is cached; a checked cache
// also needs stored, the request's stored bytes, to be what it has. A nil
// cache (a migration's transaction) has nothing.
func (c *requestCache) get(id int64, stored []byte) *triage.Request {
	if r := c.peek(id, stored); r != nil {
		return r.Clone()
	}
	return nil
}

// peek is get without the copy: the cache's own entry, which nobody may
// change, for callers that only read it.
func (c *requestCache) peek(id int64, stored []byte) *triage.Request {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	e, ok := c.m[id]
	if !ok {
		e, ok = c.old[id]
	}
	c.mu.Unlock()
	if !ok || c.checked && !bytes.Equal(e.data, stored) {
		return nil
	}
	return e.r
}

// put keeps a copy of r, stored as data; data is kept, not copied, and
// must not change. A nil cache keeps nothing.
func (c *requestCache) put(r *triage.Request, data []byte) {
	if c != nil {
		c.keep(r.Clone(), data)
	}
}

// keep is put without the copy, for a request decoded only to be kept
// (or read and dropped): nobody may change r afterwards.
func (c *requestCache) keep(r *triage.Request, data []byte) {
	if c == nil {
		return
	}
	e := cachedRequest{r: r}
	size := requestCacheSize
	if c.checked {
		e.data, size = data, sharedCacheSize
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= size {
		c.old, c.m = c.m, make(map[int64]cachedRequest, size)
	}
	c.m[r.ID] = e
	c.mu.Unlock()
}

// reset empties the cache.
func (c *requestCache) reset() {
	c.mu.Lock()
	c.m, c.old = nil, nil
	c.mu.Unlock()
}
