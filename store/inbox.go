package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

// Accept stores a delivery unless one with the same key was accepted
// within ttl, and reports whether it was a duplicate. It returns once the
// delivery is durable in the store's journal (see acks.go), where
// concurrent calls share one write and one fdatasync; the file's inbox
// takes it in just after, in an ordinary transaction. Accept may be called
// from any number of goroutines. d's Seq is set when it is stored.
func (db *DB) Accept(d *triage.Delivery, ttl time.Duration) (dup bool, err error) {
	if db.acks == nil {
		return false, fmt.Errorf("accept %s delivery %s: store %s is open read-only", d.Kind, d.Key, db.path)
	}
	dup, err = db.acks.accept(db, d, ttl)
	if err != nil {
		return false, fmt.Errorf("accept %s delivery %s: %w", d.Kind, d.Key, err)
	}
	return dup, nil
}

// Pending returns up to limit stored deliveries not yet marked done,
// oldest first: on start-up, the ones a crash left behind.
func (db *DB) Pending(limit int) ([]*triage.Delivery, error) {
	return db.PendingAfter(0, limit)
}

// PendingAfter returns up to limit stored deliveries whose Seq is greater
// than after, in Seq order: the inbox is a queue whose keys are its order,
// and a reader resumes at the last Seq it saw instead of reading the
// oldest again.
func (db *DB) PendingAfter(after uint64, limit int) ([]*triage.Delivery, error) {
	if err := db.moveJournal(); err != nil {
		return nil, err
	}
	var out []*triage.Delivery
	err := db.bolt.View(func(b *bolt.Tx) error {
		c := b.Bucket(bucketInbox).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			d, err := decodeDelivery(decodeU64(k), v)
			if err != nil {
				return fmt.Errorf("decode delivery %d: %w", decodeID(k), err)
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// FinishDelivery removes a processed delivery from the inbox in the
// transaction that processed it, so that its Done costs no transaction
// of its own, and reports whether it did. It does not when the delivery
// may still be only in the acknowledgement journal, which would put it
// back when it moves: Done then takes the journal in first.
func (t *tx) FinishDelivery(seq uint64) (bool, error) {
	if t.moved != nil && seq > t.moved.Load() {
		return false, nil
	}
	if err := t.bucket(bucketInbox).Delete(u64(seq)); err != nil {
		return false, fmt.Errorf("finish delivery %d: %w", seq, err)
	}
	return true, nil
}

// Done removes a processed delivery; its key stays claimed for the ttl it
// was accepted with. Done is safe to call twice and concurrently.
func (db *DB) Done(seq uint64) error {
	if db.acks != nil && seq > db.acks.moved.Load() {
		// Take it in first, else a later move would put it back.
		if err := db.moveJournal(); err != nil {
			return fmt.Errorf("finish delivery %d: %w", seq, err)
		}
	}
	err := db.update(func(b *bolt.Tx) error {
		return b.Bucket(bucketInbox).Delete(u64(seq))
	})
	if err != nil {
		return fmt.Errorf("finish delivery %d: %w", seq, err)
	}
	return nil
}
