package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

// Accept stores a delivery unless one with the same key was accepted
// within ttl, and reports whether it was a duplicate. Concurrent calls
// share the store writer's transactions, so one fsync serves many
// deliveries; Accept may be called from any number of goroutines. Its
// transactions go ahead of the other writes (groupcommit's urgent lane):
// Slack waits for the acknowledgement, and the processing behind it can
// lag. d's Seq is set when it is stored.
func (db *DB) Accept(d *triage.Delivery, ttl time.Duration) (dup bool, err error) {
	err = db.urgent(func(b *bolt.Tx) error {
		// The writer may run this function again after a failed peer: start over.
		dup, d.Seq = false, 0
		t := db.tx(b)
		if d.Key != "" {
			// An empty claim: intake fills it with the request the
			// delivery makes (triage.EventClaim), so the key is claimed once.
			_, fresh, err := t.Claim(triage.EventClaim(d.Key), "", d.Received, d.Received.Add(ttl))
			if err != nil {
				return err
			}
			if !fresh {
				dup = true
				return nil
			}
		}
		inbox := t.bucket(bucketInbox)
		seq, err := inbox.NextSequence()
		if err != nil {
			return err
		}
		d.Seq = seq
		data, err := appendDelivery(make([]byte, 0, deliverySize(d)), d)
		if err != nil {
			return err
		}
		return inbox.Put(u64(seq), data)
	})
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

// Done removes a processed delivery; its key stays claimed for the ttl it
// was accepted with. Done is safe to call twice and concurrently.
func (db *DB) Done(seq uint64) error {
	err := db.update(func(b *bolt.Tx) error {
		return b.Bucket(bucketInbox).Delete(u64(seq))
	})
	if err != nil {
		return fmt.Errorf("finish delivery %d: %w", seq, err)
	}
	return nil
}
