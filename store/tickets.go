package store

import (
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// CreateTicket implements local.Store: the idempotency key, the ticket
// number and the ticket are written in one transaction, so a retry after a
// crash finds the ticket instead of making a second one.
func (db *engine) CreateTicket(idemKey string, build func(n int64) local.Ticket) (local.Ticket, bool, error) {
	var tk local.Ticket
	created := false
	err := db.update(func(b *bolt.Tx) error {
		var err error
		tk, created, err = createTicket(b, idemKey, build)
		return err
	})
	if err != nil {
		return local.Ticket{}, false, fmt.Errorf("create ticket in %s: %w", db.path, err)
	}
	return tk, created, nil
}

// CreateTicketIn implements local.TxTickets: CreateTicket inside the
// transaction, so that a request and its ticket commit together.
func (t *tx) CreateTicketIn(idemKey string, build func(n int64) local.Ticket) (local.Ticket, bool, error) {
	tk, created, err := createTicket(t.b, idemKey, build)
	if err != nil {
		return local.Ticket{}, false, fmt.Errorf("create ticket: %w", err)
	}
	return tk, created, nil
}

var _ local.TxTickets = (*tx)(nil)

func createTicket(b *bolt.Tx, idemKey string, build func(n int64) local.Ticket) (local.Ticket, bool, error) {
	idem := b.Bucket(bucketTicketIdem)
	if idemKey != "" {
		if k := idem.Get([]byte(idemKey)); k != nil {
			tk, err := getTicket(b, string(k))
			return tk, false, err
		}
	}
	tickets := b.Bucket(bucketTickets)
	n, err := tickets.NextSequence()
	if err != nil {
		return local.Ticket{}, false, err
	}
	tk := build(int64(n))
	if tk.Key == "" {
		return local.Ticket{}, false, fmt.Errorf("ticket %d has no key", n)
	}
	if tickets.Get([]byte(tk.Key)) != nil {
		return local.Ticket{}, false, fmt.Errorf("ticket %s already exists", tk.Key)
	}
	if err := putTicket(b, tk); err != nil {
		return local.Ticket{}, false, err
	}
	if err := b.Bucket(bucketTicketSeq).Put(u64(n), []byte(tk.Key)); err != nil {
		return local.Ticket{}, false, err
	}
	if idemKey != "" {
		if err := idem.Put([]byte(idemKey), []byte(tk.Key)); err != nil {
			return local.Ticket{}, false, err
		}
	}
	return tk, true, nil
}

// UpdateTicket implements local.Store. fn runs inside the write transaction
// and must not change the ticket's key.
func (db *engine) UpdateTicket(key string, fn func(*local.Ticket) error) error {
	err := db.update(func(b *bolt.Tx) error {
		tk, err := getTicket(b, key)
		if err != nil {
			return err
		}
		if err := fn(&tk); err != nil {
			return err
		}
		if tk.Key != key {
			return fmt.Errorf("the update changed the key to %s", tk.Key)
		}
		return putTicket(b, tk)
	})
	if err != nil {
		return fmt.Errorf("update ticket %s: %w", key, err)
	}
	return nil
}

// Ticket implements local.Store.
func (db *engine) Ticket(key string) (local.Ticket, error) {
	var tk local.Ticket
	err := db.view(func(b *bolt.Tx) error {
		var err error
		tk, err = getTicket(b, key)
		return err
	})
	return tk, err
}

// Tickets implements local.Store. fn runs inside a read transaction and must
// not write to the store.
func (db *engine) Tickets(fn func(local.Ticket) error) error {
	err := db.view(func(b *bolt.Tx) error {
		return b.Bucket(bucketTicketSeq).ForEach(func(_, key []byte) error {
			tk, err := getTicket(b, string(key))
			if err != nil {
				return err
			}
			return fn(tk)
		})
	})
	if errors.Is(err, triage.ErrStop) {
		return nil
	}
	return err
}

func getTicket(b *bolt.Tx, key string) (local.Ticket, error) {
	var tk local.Ticket
	v := b.Bucket(bucketTickets).Get([]byte(key))
	if v == nil {
		return tk, fmt.Errorf("ticket %s: %w", key, triage.ErrNotFound)
	}
	if err := json.Unmarshal(v, &tk); err != nil {
		return tk, fmt.Errorf("decode ticket %s: %w", key, err)
	}
	return tk, nil
}

func putTicket(b *bolt.Tx, tk local.Ticket) error {
	data, err := json.Marshal(tk)
	if err != nil {
		return fmt.Errorf("encode ticket %s: %w", tk.Key, err)
	}
	return b.Bucket(bucketTickets).Put([]byte(tk.Key), data)
}
