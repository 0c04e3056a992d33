package store

import (
	"bytes"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

// eventClaimPrefix starts the claim key of every delivery key
// (triage.EventClaim).
var eventClaimPrefix = triage.EventClaim("")

// eventClaims is the file's event claims in memory: for each delivery key
// whose claim the bbolt file holds, when that claim expires. Accept reads
// it instead of the file, so that an acknowledgement takes no bbolt read
// transaction (taking that read out raised the max ack rate by about a
// tenth in session 7's idle runs; it stalled behind remaps and commits
// during a burst).
//
// It holds what the file holds, no more: loaded at Open, then changed by
// each committed transaction that writes or deletes an event claim (a
// claim's write in tx.claim, whoever calls it: the journal's mover,
// intake's Settle, a Session; Import; PurgeExpired), through bbolt's
// OnCommit, so that a rolled-back transaction changes nothing. It is as
// bounded as the file's claims bucket: PurgeExpired, hourly in serve,
// removes expired claims from both. An entry costs 70 to 100 bytes with
// a Slack event id for its key (measured for 100k and 1M of them): a
// dedupe window holding a million deliveries takes about 100 MB.
//
// The handlers of concurrent commits may run out of order (bbolt runs them
// after it lets the next writer in; the writer goroutine's own commits
// are in order, but Import and a Session commit from their callers'
// goroutines), so each entry keeps the id of the transaction that wrote
// it and an older transaction's change never replaces a newer one's. (An
// older write whose handler comes after PurgeExpired's can put back a
// claim that had expired: Accept finds it expired, and it is gone at the
// next Open.)
//
// All methods are safe for concurrent use.
type eventClaims struct {
	mu sync.RWMutex
	m  map[string]claimEntry
}

// claimEntry is one key's claim: its expiry in Unix nanoseconds, and the
// bbolt transaction that wrote it.
type claimEntry struct {
	until int64
	txid  int
}

func newEventClaims() *eventClaims { return &eventClaims{m: map[string]claimEntry{}} }

// load reads every event claim of the file, expired or not: Accept judges
// a claim at a delivery's Received time, not at the store's clock, and
// PurgeExpired forgets the expired ones as it deletes them.
func (c *eventClaims) load(b *bolt.Tx) {
	prefix := []byte(eventClaimPrefix)
	cur := b.Bucket(bucketClaims).Cursor()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		if len(v) >= timeLen {
			c.m[string(k[len(prefix):])] = claimEntry{until: UnixNanos(decodeTime(v[:timeLen])), txid: b.ID()}
		}
	}
}

// live reports whether key's claim is live at at.
func (c *eventClaims) live(key string, at time.Time) bool {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	return ok && UnixNanos(at) < e.until
}

// claimNote is one event claim a transaction wrote or deleted: its
// delivery key and its expiry in Unix nanoseconds.
type claimNote struct {
	key   string
	until int64
}

// set records the claims transaction txid wrote.
func (c *eventClaims) set(wrote []claimNote, txid int) {
	c.mu.Lock()
	for _, w := range wrote {
		if e, ok := c.m[w.key]; !ok || e.txid <= txid {
			c.m[w.key] = claimEntry{until: w.until, txid: txid}
		}
	}
	c.mu.Unlock()
}

// forget removes the claims transaction txid deleted from the file, each
// with the expiry it had, unless a later transaction wrote it again.
func (c *eventClaims) forget(gone []claimNote, txid int) {
	c.mu.Lock()
	for _, g := range gone {
		if e, ok := c.m[g.key]; ok && e.txid <= txid && e.until == g.until {
			delete(c.m, g.key)
		}
	}
	c.mu.Unlock()
}

// eventKey returns the delivery key of an event claim's key.
func eventKey(claimKey string) (string, bool) {
	if !strings.HasPrefix(claimKey, eventClaimPrefix) {
		return "", false
	}
	// A copy: the claim key may share memory with something larger.
	return strings.Clone(claimKey[len(eventClaimPrefix):]), true
}

// wroteClaim tells the store's memory, once t commits, that t wrote the
// claim key expiring at until; a claim that is not an event claim is no
// concern of it. t must not be used once its transaction function
// returns (the handler reads t.wrote then).
func (t *tx) wroteClaim(key string, until time.Time) {
	if t.claims == nil {
		return
	}
	k, ok := eventKey(key)
	if !ok {
		return
	}
	// One handler per transaction function: the mover writes a batch.
	if len(t.wrote) == 0 {
		c, id := t.claims, t.b.ID()
		t.b.OnCommit(func() { c.set(t.wrote, id) })
	}
	t.wrote = append(t.wrote, claimNote{k, UnixNanos(until)})
}
