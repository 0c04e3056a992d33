package store

import (
	"maps"
	"slices"

	"github.com/sprintguard/sprintguard/sprint"
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
	// ledgers holds the ledgers read or written, by ledgerKey: each is
	// rewritten at every intake and grows with its sprint.
	ledgers map[string]*sprint.Ledger
}

func (c *requestCache) ledger(team string, n int) *sprint.Ledger {
	if l := c.ledgers[string(ledgerKey(team, n))]; l != nil {
		return cloneLedger(l)
	}
	return nil
}

func (c *requestCache) putLedger(l *sprint.Ledger) {
	if c.ledgers == nil || len(c.ledgers) >= requestCacheSize {
		c.ledgers = map[string]*sprint.Ledger{}
	}
	c.ledgers[string(ledgerKey(l.Team, l.Sprint))] = cloneLedger(l)
}

// cloneLedger copies l with nothing shared.
func cloneLedger(l *sprint.Ledger) *sprint.Ledger {
	c := *l
	c.Thresholds = slices.Clone(l.Thresholds)
	c.Crossed = slices.Clone(l.Crossed)
	c.Charges = maps.Clone(l.Charges)
	return &c
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
