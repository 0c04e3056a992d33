package triage

import "sync"

// wordCacheSize is how many summaries a generation of wordCache holds:
// far more than one requester asks within a duplicate window.
const wordCacheSize = 1024

// wordCache keeps the word sets of recent summaries, so that intake splits
// each summary into words once, not again for every later request of the
// same requester inside the duplicate window. A word set depends on the
// summary alone, so the summary is the key and an entry is never stale.
// It holds two generations: when the newer fills up it becomes the older
// and the oldest is let go; a hit in the older moves to the newer. The
// zero value is empty and ready; it is safe for concurrent use.
type wordCache struct {
	mu         sync.Mutex
	cur, older map[string][]string
}

// words returns the word set of summary (see wordSet), which the caller
// must not change.
func (c *wordCache) words(summary string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ws, ok := c.cur[summary]; ok {
		return ws
	}
	ws, ok := c.older[summary]
	if !ok {
		ws = wordSet(nil, summary)
	}
	if len(c.cur) >= wordCacheSize || c.cur == nil {
		c.cur, c.older = make(map[string][]string, wordCacheSize), c.cur
	}
	c.cur[summary] = ws
	return ws
}
