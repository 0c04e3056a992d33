package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/store/journal"
	"github.com/sprintguard/sprintguard/triage"
)

// The acknowledgement journal.
//
// Accept writes a delivery to an append-only journal beside the bbolt file
// (package journal) and returns once that write is fsynced: an
// acknowledgement waits for one sequential write and one fdatasync shared
// by every delivery that arrived meanwhile, not for a bbolt commit that
// also carries the processors' writes. A mover goroutine then takes the
// journal's records into the inbox bucket, with their event claims, in
// ordinary transactions of the store's writer, and records there how far
// it got (keyJournalApplied, in the same transaction); the journal's
// segments below that are deleted. The inbox bucket stays the one queue
// the processors read (PendingAfter), so nothing past Accept changed.
//
// Why a journal in front of the inbox, not the journal as the queue, nor a
// second bbolt file: a second bbolt file still pays a B-tree commit (pages
// and two syncs) per acknowledgement batch; the journal as the queue would
// have moved the processors' reads, the sweeper, Done and every reader of
// the inbox (backup, transfer, the PostgreSQL and memory stores' shared
// contract) onto a new structure. Here only Accept's write changed; the
// price is that each delivery is written twice (journal, then inbox), the
// second time in batches that do not hold an acknowledgement up.
//
// Claim-once: a key is in the journal's map (acks.keys) from Accept's
// check until the transaction that put its claim in the bbolt file has
// committed, so a Slack retry finds it in one or the other: Accept looks in
// the map first and then in the file's event claims, which the store keeps
// in memory (eventClaims, told of the commit before the map lets the key
// go), so that an acknowledgement reads nothing from bbolt. A retry that
// comes while the first Accept of its key is still writing waits for its
// outcome. Across a
// crash, Open takes the journal's records past keyJournalApplied in before
// anything else runs; a record whose claim is already in the file (the
// processors made its request before the move) is not put in the inbox.

// keyJournalApplied is the meta key of the last journal sequence whose
// delivery the bbolt file holds (in the inbox, or processed since).
var keyJournalApplied = []byte("journal_applied")

// JournalDir is the directory of the acknowledgement journal of the store
// at path. A backup of the store does not need it (WriteBackup takes the
// journal in first), but a copy of a stopped store's file does, unless the
// store was closed cleanly: Close leaves it empty.
func JournalDir(path string) string { return path + "-journal" }

// JournalPendingError is what a ReadOnly Open returns when the journal
// holds acknowledged deliveries that are not in the file yet (a crash
// left them): a read-only open cannot take them in, and reading without
// them would miss them.
type JournalPendingError struct {
	Path, Dir string
	N         int
}

// Error says what is pending and how to take it in.
func (e *JournalPendingError) Error() string {
	return fmt.Sprintf("store %s: its journal %s holds %d acknowledged deliveries not yet in the file "+
		"(the last run stopped without closing it); start `sprintguard serve` once, or open the store read-write, to take them in",
		e.Path, e.Dir, e.N)
}

// ErrJournalPending is the sentinel a *JournalPendingError matches.
var ErrJournalPending = errors.New("the store's journal holds deliveries not yet in the file")

// Unwrap matches ErrJournalPending.
func (e *JournalPendingError) Unwrap() error { return ErrJournalPending }

// acks is the journal and what is in it but not yet in the bbolt file.
type acks struct {
	j *journal.Journal

	mu sync.Mutex
	// keys holds each key from Accept's check until its claim is
	// committed to the bbolt file.
	keys map[string]*keyWait
	// pend is what the journal holds past the file's keyJournalApplied,
	// in sequence order.
	pend  []pendRec
	moved atomic.Uint64 // the last sequence known to be in the file
	// lastBatch is how many records the journal's latest batch held: many
	// means a burst of acknowledgements, and the mover spaces its moves.
	lastBatch atomic.Int64

	kick chan struct{}
	stop chan struct{}
	done chan struct{}

	closeOnce sync.Once
	closeErr  error
}

type pendRec struct {
	journal.Record
	key string
}

// keyWait is one Accept of a key under way; a second Accept of the same key
// waits for done and is a duplicate if taken.
type keyWait struct {
	key   string
	done  chan struct{}
	taken bool
}

// openJournal opens the journal, takes in what a crash left in it and
// starts the mover.
func (db *DB) openJournal(afterCommit func(intents, accepts int)) error {
	after, first, err := db.journalStart()
	if err != nil {
		return err
	}
	a := &acks{keys: map[string]*keyWait{}, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	a.moved.Store(after)
	j, recs, err := journal.Open(JournalDir(db.path), after, journal.Options{NoSync: db.opt.NoSync, First: first,
		OnSync: db.syncs.observeTime,
		Durable: func(recs []journal.Record, tags []any) {
			a.mu.Lock()
			for i, r := range recs {
				// The tag is Accept's *keyWait (nil without a key): a
				// pointer goes into an interface without an allocation,
				// a string does not.
				var key string
				if w := tags[i].(*keyWait); w != nil {
					key = w.key
				}
				a.pend = append(a.pend, pendRec{Record: r, key: key})
			}
			a.mu.Unlock()
			a.lastBatch.Store(int64(len(recs)))
			select {
			case a.kick <- struct{}{}:
			default:
			}
			if afterCommit != nil {
				afterCommit(0, len(recs))
			}
		}})
	if err != nil {
		return fmt.Errorf("open store %s: %w", db.path, err)
	}
	a.j = j
	for _, r := range recs {
		_, key, _, _, err := parseJournalRecord(r.Data)
		if err != nil {
			_ = j.Close()
			return fmt.Errorf("open store %s: journal record %d: %w", db.path, r.Seq, err)
		}
		a.pend = append(a.pend, pendRec{Record: r, key: key})
		if key != "" {
			a.keys[key] = &keyWait{done: closedChan, taken: true}
		}
	}
	db.acks = a
	db.moved = &a.moved
	if err := db.moveJournal(); err != nil {
		_ = j.Close()
		return err
	}
	if err := j.Release(a.moved.Load()); err != nil {
		_ = j.Close()
		return err
	}
	if db.opt.holdJournal {
		close(a.done)
		return nil
	}
	go db.mover()
	return nil
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// journalStart reads where the journal's records stop being in the file,
// and the least sequence a new one may take.
func (db *DB) journalStart() (after, first uint64, err error) {
	err = db.bolt.View(func(b *bolt.Tx) error {
		seq := b.Bucket(bucketInbox).Sequence()
		after = seq
		if v := b.Bucket(bucketMeta).Get(keyJournalApplied); len(v) == 8 {
			after = binary.BigEndian.Uint64(v)
		}
		first = max(seq, after) + 1
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("open store %s: %w", db.path, err)
	}
	return after, first, nil
}

// checkJournal is a ReadOnly Open's look at the journal.
func (db *DB) checkJournal() error {
	after, _, err := db.journalStart()
	if err != nil {
		return err
	}
	j, recs, err := journal.Open(JournalDir(db.path), after, journal.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("open store %s: %w", db.path, err)
	}
	_ = j.Close()
	if len(recs) > 0 {
		return &JournalPendingError{Path: db.path, Dir: JournalDir(db.path), N: len(recs)}
	}
	return nil
}

// closeJournal stops the mover, closes the journal, takes in what is left
// and deletes the segments and the emptied directory: a clean Close leaves
// no journal.
// It is safe to call twice.
func (db *DB) closeJournal() error {
	a := db.acks
	a.closeOnce.Do(func() {
		close(a.stop)
		<-a.done
		err := a.j.Close()
		if merr := db.moveJournal(); err == nil {
			err = merr
		}
		if err == nil {
			err = a.j.Release(a.moved.Load())
		}
		if err == nil {
			// Only an empty directory goes: no litter beside every file.
			_ = os.Remove(JournalDir(db.path))
		}
		a.closeErr = err
	})
	return a.closeErr
}

// accept is Accept through the journal.
func (a *acks) accept(db *DB, d *triage.Delivery, ttl time.Duration) (dup bool, err error) {
	d.Seq = 0
	var w *keyWait
	if d.Key != "" {
		for w == nil {
			a.mu.Lock()
			if o := a.keys[d.Key]; o != nil {
				a.mu.Unlock()
				<-o.done
				if o.taken {
					return true, nil
				}
				continue // it failed: this one tries
			}
			// Read under mu: prune takes a key out of the map only
			// once its claim is in db.claims.
			if db.claims.live(d.Key, d.Received) {
				a.mu.Unlock()
				return true, nil
			}
			w = &keyWait{key: d.Key, done: make(chan struct{})}
			a.keys[d.Key] = w
			a.mu.Unlock()
		}
	}
	data, err := appendJournalRecord(d, ttl)
	if err == nil {
		d.Seq, err = a.j.Append(data, w)
	}
	if err != nil {
		if w != nil {
			a.unwait(d.Key, w, false)
		}
		return false, err
	}
	if w != nil {
		// The map keeps the key until its claim is in the file (prune).
		w.taken = true
		close(w.done)
	}
	return false, nil
}

// unwait ends an Accept of key that wrote nothing to the journal.
func (a *acks) unwait(key string, w *keyWait, taken bool) {
	a.mu.Lock()
	if a.keys[key] == w {
		delete(a.keys, key)
	}
	a.mu.Unlock()
	w.taken = taken
	close(w.done)
}

// appendJournalRecord encodes a journal record: the claim's ttl in
// nanoseconds (uvarint), then the inbox value (appendDelivery).
func appendJournalRecord(d *triage.Delivery, ttl time.Duration) ([]byte, error) {
	b := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+deliverySize(d)), uint64(max(ttl, 0)))
	return appendDelivery(b, d)
}

// parseJournalRecord returns a record's ttl, key and received time, and
// its inbox value.
func parseJournalRecord(data []byte) (ttl time.Duration, key string, received time.Time, value []byte, err error) {
	n, k := binary.Uvarint(data)
	if k <= 0 {
		return 0, "", time.Time{}, nil, errShortDelivery
	}
	value = data[k:]
	if len(value) == 0 || value[0] != deliveryFormat {
		return 0, "", time.Time{}, nil, errors.New("journal record without an inbox value")
	}
	r := reader{b: value[1:], short: errShortDelivery}
	field := func() []byte { return r.bytes(int(r.uvarint())) }
	_, kb, at := field(), field(), field()
	if r.err != nil {
		return 0, "", time.Time{}, nil, r.err
	}
	if err := received.UnmarshalBinary(at); err != nil {
		return 0, "", time.Time{}, nil, fmt.Errorf("decode received time: %w", err)
	}
	return time.Duration(n), string(kb), received, value, nil
}

// During a burst of acknowledgements (a journal batch of burstBatch
// records or more) the mover lets moveGap pass after each move, so that
// what the journal takes in meanwhile goes into the file in one bbolt
// commit rather than one per journal batch. Those commits were a fifth of
// serve's CPU in a burst, and their two fdatasyncs queue on the same disk
// as the journal's, which the acknowledgements wait for. Outside bursts
// (a batch or two of a few records each at 500 events/s) each batch is
// moved at once, as before, so that a processor's Done rarely finds its
// delivery still in the journal (it would move it itself first).
const (
	burstBatch = 8
	moveGap    = 20 * time.Millisecond
)

// mover takes the journal's records into the file as they come.
func (db *DB) mover() {
	a := db.acks
	defer close(a.done)
	gap := time.NewTimer(moveGap)
	gap.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-a.kick:
		}
		if a.lastBatch.Load() >= burstBatch {
			gap.Reset(moveGap)
			select {
			case <-a.stop:
				return
			case <-gap.C:
			}
		}
		if err := db.moveJournal(); err != nil {
			// Left in the journal: Done, PendingAfter and Close try again,
			// and so does the next kick, after a pause.
			select {
			case <-a.stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			select {
			case a.kick <- struct{}{}:
			default:
			}
		}
	}
}

// moveJournal takes what the journal holds past the file's
// keyJournalApplied into the inbox, in one transaction of the writer.
// It is safe to call concurrently: a transaction takes only what the
// applied mark it reads says is missing.
func (db *DB) moveJournal() error {
	a := db.acks
	if a == nil {
		return nil
	}
	a.mu.Lock()
	n := len(a.pend)
	a.mu.Unlock()
	if n == 0 {
		return nil
	}
	var upTo uint64
	err := db.update(func(b *bolt.Tx) error {
		var err error
		upTo, err = a.apply(db.tx(b))
		return err
	})
	if err != nil {
		return fmt.Errorf("take acknowledged deliveries into %s: %w", db.path, err)
	}
	a.prune(upTo)
	return nil
}

// apply puts the pending records past the applied mark in the inbox with
// their claims, and returns the new mark.
func (a *acks) apply(t *tx) (uint64, error) {
	meta := t.b.Bucket(bucketMeta)
	inbox := t.bucket(bucketInbox)
	mark := inbox.Sequence()
	if v := meta.Get(keyJournalApplied); len(v) == 8 {
		mark = binary.BigEndian.Uint64(v)
	}
	a.mu.Lock()
	i, _ := slices.BinarySearchFunc(a.pend, mark+1, func(p pendRec, seq uint64) int { return cmpU64(p.Seq, seq) })
	recs := slices.Clone(a.pend[i:])
	a.mu.Unlock()
	if len(recs) == 0 {
		return mark, nil
	}
	for _, r := range recs {
		ttl, key, received, value, err := parseJournalRecord(r.Data)
		if err != nil {
			return 0, fmt.Errorf("journal record %d: %w", r.Seq, err)
		}
		if key != "" {
			// Not fresh: the processors made its request before this
			// move (their claim is in), or a crash came between the
			// move's commit and a Release.
			_, fresh, err := t.Claim(triage.EventClaim(key), "", received, received.Add(ttl))
			if err != nil {
				return 0, err
			}
			if !fresh {
				continue
			}
		}
		if err := inbox.Put(u64(r.Seq), value); err != nil {
			return 0, err
		}
	}
	mark = recs[len(recs)-1].Seq
	if inbox.Sequence() < mark {
		if err := inbox.SetSequence(mark); err != nil {
			return 0, err
		}
	}
	return mark, meta.Put(keyJournalApplied, u64(mark))
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// prune forgets the records up to upTo, now committed to the file, and
// lets the journal delete their segments.
func (a *acks) prune(upTo uint64) {
	a.mu.Lock()
	i, _ := slices.BinarySearchFunc(a.pend, upTo+1, func(p pendRec, seq uint64) int { return cmpU64(p.Seq, seq) })
	for _, r := range a.pend[:i] {
		if r.key != "" {
			delete(a.keys, r.key)
		}
	}
	a.pend = slices.Delete(a.pend, 0, i)
	if upTo > a.moved.Load() {
		a.moved.Store(upTo)
	}
	a.mu.Unlock()
	_ = a.j.Release(upTo) // a segment it cannot delete now goes at the next
}
