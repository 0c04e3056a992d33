// Package store keeps sprintguard's state in one bbolt file: requests and
// their indexes, sprint ledgers, on-call overrides, dedupe claims, the
// outbox of side effects, and the local tracker's tickets.
package store

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/internal/groupcommit"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// ErrLocked is the sentinel of the error Open returns when another process
// (or another DB in this process) holds the file: "the store is in use by
// another process". The returned error is a *LockedError that names the file.
var ErrLocked = errors.New("the store is in use by another process")

// ErrNewerSchema is the sentinel of the error Open returns when the file was
// written by a newer sprintguard than this one. The returned error is a
// *SchemaError that names the file, both versions and the fix.
var ErrNewerSchema = errors.New("the store has a newer schema than this sprintguard knows")

// ErrNeedsMigration is the sentinel of the error a ReadOnly Open returns for
// a file with an older schema, which only a read-write Open can migrate.
var ErrNeedsMigration = errors.New("the store has an older schema and must be migrated")

// DefaultDedupeTTL is how long a completed job's key blocks re-enqueueing it.
const DefaultDedupeTTL = 7 * 24 * time.Hour

// LockedError reports a store file locked by someone else. It matches
// ErrLocked and bolt.ErrTimeout with errors.Is.
type LockedError struct{ Path string }

// Error says which file is locked and what to do about it.
func (e *LockedError) Error() string {
	return fmt.Sprintf("store %s is in use by another process (is `sprintguard serve` running? "+
		"stop it, or use `sprintguard backup`, which asks the running process)", e.Path)
}

// Unwrap exposes both the sentinel and bbolt's own timeout error.
func (e *LockedError) Unwrap() []error { return []error{ErrLocked, bolt.ErrTimeout} }

// Options tune Open. The zero value is a durable read-write store.
type Options struct {
	// Timeout is how long to wait for the file lock; <= 0 means 1s, never
	// forever, so that a second process fails instead of hanging.
	Timeout time.Duration
	// NoSync skips fsync; only for throw-away stores (replay, benchmarks).
	NoSync bool
	// ReadOnly opens the file with a shared lock and refuses writes.
	ReadOnly bool
	// Now is the clock that decides whether a claim or a completed job's
	// key has expired; nil means time.Now. Replay passes its simulated clock.
	Now func() time.Time
	// DedupeTTL is how long a completed job's key blocks a re-enqueue of
	// the same key; <= 0 means DefaultDedupeTTL.
	DedupeTTL time.Duration
	// AfterCommit, if set, is told of each commit before its callers are:
	// of the store's writer with how many transactions it held (accepts
	// 0), and of the acknowledgement journal with how many deliveries it
	// made durable (intents 0). Calls never overlap. For crash tests.
	AfterCommit func(intents, accepts int)

	// holdJournal keeps acknowledged deliveries in the journal until
	// something reads the inbox (no mover): tests use it to find the
	// files as a crash right after the acknowledgements leaves them.
	holdJournal bool
}

// DB is the bbolt-backed store. It implements triage.Store and local.Store.
// All methods are safe for concurrent use. Every write transaction goes
// through one writer goroutine, which commits the transactions of
// concurrent callers together (see groupcommit): a transaction function
// may run more than once and must start from scratch each time. A
// transaction function must not start another transaction.
type DB struct {
	engine
	bolt   *bolt.DB
	writer *groupcommit.Writer[*bolt.Tx]
	// acks is the acknowledgement journal (see acks.go); nil when ReadOnly.
	acks *acks
	// commits counts the writer's commits, for WriteStats.
	commits atomic.Int64
	// syncs times the journal's fdatasyncs, for JournalSyncs.
	syncs *histogram
	// batchTook and batchIntents are the writer's time on each batch and
	// the transactions it held, for WriterBatches.
	batchTook, batchIntents *histogram
}

// engine is what DB and Session share: the triage and local tracker stores
// over some way of running bbolt transactions.
type engine struct {
	path   string
	opt    Options
	update func(func(*bolt.Tx) error) error
	view   func(func(*bolt.Tx) error) error
	// cache keeps requests decoded: a Session's trusts what it holds, a
	// DB's, shared with other transactions and processes, checks it
	// against the stored bytes (see requestCache).
	cache *requestCache
	// claims is the file's event claims in memory (see eventclaims.go),
	// which Accept reads; nil when ReadOnly.
	claims *eventClaims
	// moved is the last delivery sequence the acknowledgement journal
	// knows to be in the file's inbox (see acks.go); nil without a
	// journal.
	moved *atomic.Uint64
}

var (
	_ triage.Store = (*DB)(nil)
	_ local.Store  = (*DB)(nil)
	_ triage.Store = (*Session)(nil)
	_ local.Store  = (*Session)(nil)
)

// Open opens (creating it if needed, unless ReadOnly) the store at path and
// migrates it to SchemaVersion. It fails with a *LockedError within about
// opt.Timeout when the file is in use, and with a *SchemaError when the file
// is newer than this binary.
func Open(path string, opt Options) (*DB, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.DedupeTTL <= 0 {
		opt.DedupeTTL = DefaultDedupeTTL
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opt.Timeout,
		NoSync:       opt.NoSync,
		NoGrowSync:   opt.NoSync,
		ReadOnly:     opt.ReadOnly,
		FreelistType: bolt.FreelistMapType,
		// The free list is rebuilt from the pages at open instead of
		// written at every commit: writing it was a twentieth of serve's
		// CPU while a burst drained (a 300 MB file holds a long list).
		NoFreelistSync: true,
		// bbolt remaps the file as it grows, and a remap waits for every
		// read transaction and holds new ones back: an acknowledgement's
		// claim check (a View) stalled behind each one during a burst.
		// Address space is cheap; the file is not grown by this.
		InitialMmapSize: initialMmapSize,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, &LockedError{Path: path}
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db := &DB{bolt: b, engine: engine{path: path, opt: opt, view: b.View, cache: &requestCache{checked: true}},
		syncs: newHistogram(journalSyncBounds, 1e-9), batchTook: newHistogram(batchTookBounds, 1e-9),
		batchIntents: newHistogram(batchIntentsBounds, 1)}
	if err := db.prepare(); err != nil {
		_ = b.Close()
		return nil, err
	}
	if opt.ReadOnly {
		db.update = b.Update // which refuses
		if err := db.checkJournal(); err != nil {
			_ = b.Close()
			return nil, err
		}
		return db, nil
	}
	afterCommit := serialized(opt.AfterCommit)
	gc := groupcommit.Options{AfterCommit: func(intents int) {
		db.commits.Add(1)
		if afterCommit != nil {
			afterCommit(intents, 0)
		}
	}, Observe: db.observeBatch}
	db.writer = groupcommit.New(b.Update, gc)
	db.update = db.writer.Update
	db.claims = newEventClaims()
	if err := b.View(func(b *bolt.Tx) error { db.claims.load(b); return nil }); err != nil {
		db.writer.Close()
		_ = b.Close()
		return nil, fmt.Errorf("open store %s: read the event claims: %w", path, err)
	}
	if err := db.openJournal(afterCommit); err != nil {
		db.writer.Close()
		_ = b.Close()
		return nil, err
	}
	return db, nil
}

// serialized returns fn made safe to call from the writer and the journal
// at once; nil stays nil.
func serialized(fn func(intents, accepts int)) func(intents, accepts int) {
	if fn == nil {
		return nil
	}
	var mu sync.Mutex
	return func(intents, accepts int) {
		mu.Lock()
		defer mu.Unlock()
		fn(intents, accepts)
	}
}

// Close takes in what the journal holds and releases the file and its
// lock, waiting for open transactions. Accept fails once Close has begun.
func (db *DB) Close() error {
	var jerr error
	if db.acks != nil {
		jerr = db.closeJournal()
	}
	if db.writer != nil {
		db.writer.Close()
	}
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", db.path, err)
	}
	if jerr != nil {
		return fmt.Errorf("close store %s: %w", db.path, jerr)
	}
	return nil
}

// Path returns the file the store was opened from.
func (db *DB) Path() string { return db.path }

// Update runs fn in one read-write transaction, committed when fn returns
// nil, possibly together with other callers' (see DB). fn's own error is
// returned as is.
func (e *engine) Update(fn func(triage.Tx) error) error {
	var fnErr error
	err := e.update(func(b *bolt.Tx) error {
		fnErr = fn(e.tx(b))
		return fnErr
	})
	if err != nil && fnErr == nil {
		return fmt.Errorf("update store %s: %w", e.path, err)
	}
	return err
}

// View runs fn in a read-only transaction.
func (e *engine) View(fn func(triage.Tx) error) error {
	var fnErr error
	err := e.view(func(b *bolt.Tx) error {
		fnErr = fn(e.tx(b))
		return fnErr
	})
	if err != nil && fnErr == nil {
		return fmt.Errorf("view store %s: %w", e.path, err)
	}
	return err
}

func (e *engine) tx(b *bolt.Tx) *tx {
	return &tx{b: b, now: e.opt.Now, dedupeTTL: e.opt.DedupeTTL, cache: e.cache, claims: e.claims, moved: e.moved}
}

type tx struct {
	cache     *requestCache
	claims    *eventClaims
	wrote     []claimNote // the event claims written, for claims once committed
	moved     *atomic.Uint64
	b         *bolt.Tx
	now       func() time.Time
	dedupeTTL time.Duration
	// opened keeps the buckets a read-only transaction opened: bbolt
	// keeps them only for writable ones, and opens a bucket again (a
	// seek in the root and a new Bucket) at each call otherwise, three
	// times for every request read. The few a transaction uses are
	// kept in place, with no allocation.
	opened [6]openedBucket
	nOpen  int
}

type openedBucket struct {
	name []byte
	b    *bolt.Bucket
}

var _ triage.Tx = (*tx)(nil)

func (t *tx) bucket(name []byte) *bolt.Bucket {
	if t.b.Writable() {
		b := t.b.Bucket(name)
		if b != nil && appended[string(name)] {
			b.FillPercent = appendFill
		}
		return b
	}
	for _, o := range t.opened[:t.nOpen] {
		if bytes.Equal(o.name, name) {
			return o.b
		}
	}
	b := t.b.Bucket(name)
	if t.nOpen < len(t.opened) {
		t.opened[t.nOpen] = openedBucket{name, b}
		t.nOpen++
	}
	return b
}

// appendFill is how full bbolt packs pages of buckets whose keys mostly
// grow: its default of one half, made for random inserts, would leave the
// pages of an append-only bucket half empty and the file twice the size.
const appendFill = 0.9

// appended names the buckets whose new keys sort after the old ones and
// whose entries stay, or leave from the oldest end: the inbox and the
// claims' expiry index are such queues, and the inbox's pages are what an
// acknowledgement waits to write; so is job_done, whose keys are job
// sequences, mostly taken as the jobs complete. So are jobs and job_due:
// their entries leave from the middle, as jobs complete out of order,
// but a deletion never splits a page, and new keys are sequences and due
// times, at the end but for a retry's or a deferral's due time. Packed,
// the jobs the outbox runs at once, whose completions and leases each
// commit writes, lie on fewer pages (BenchmarkOutboxPages: 48.5 pages a
// commit at the default, 38.9 packed). The indexes whose keys grow by
// team, channel, kind or request id (req_time, req_open, req_message,
// req_ticket, job_keys, and req_posts and req_similar, which the jobs
// write in about the order of their requests) are appended to at a few
// ends at once: a page split there leaves the full part behind, which
// takes no more keys.
var appended = map[string]bool{
	string(bucketRequests): true, string(bucketTicketSeq): true, string(bucketInbox): true, string(bucketClaimExp): true,
	string(bucketJobDone): true, string(bucketJobs): true, string(bucketJobDue): true,
	string(bucketReqPosts): true, string(bucketReqSimilar): true, string(bucketReqTime): true, string(bucketReqOpen): true,
	string(bucketReqMessage): true, string(bucketReqTicket): true, string(bucketJobKeys): true,
}

// initialMmapSize is the mapping bbolt starts with; see Open.
const initialMmapSize = 1 << 30
