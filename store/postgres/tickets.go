package postgres

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// CreateTicket implements local.Store: the idempotency key, the ticket
// number and the ticket are written in one transaction, so a retry after a
// crash, or on another replica, finds the ticket instead of making a
// second one. build may run more than once (see Update).
func (db *DB) CreateTicket(idemKey string, build func(n int64) local.Ticket) (local.Ticket, bool, error) {
	var tk local.Ticket
	var created bool
	err := db.Update(func(ttx triage.Tx) error {
		t := ttx.(*tx)
		created = false
		if idemKey != "" {
			var data []byte
			err := t.q.QueryRow(t.ctx, "SELECT data FROM tickets WHERE idem = $1", idemKey).Scan(&data)
			if err == nil {
				return json.Unmarshal(data, &tk)
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		var n int64
		if err := t.q.QueryRow(t.ctx, "UPDATE counters SET n = n + 1 WHERE name = 'tickets' RETURNING n").Scan(&n); err != nil {
			return err
		}
		tk = build(n)
		if tk.Key == "" {
			return fmt.Errorf("ticket %d has no key", n)
		}
		if err := checkText("ticket key", tk.Key); err != nil {
			return err
		}
		data, err := json.Marshal(tk)
		if err != nil {
			return fmt.Errorf("encode ticket %s: %w", tk.Key, err)
		}
		var idem any
		if idemKey != "" {
			idem = idemKey
		}
		_, err = t.q.Exec(t.ctx, "INSERT INTO tickets (key, n, idem, data) VALUES ($1, $2, $3, $4)", tk.Key, n, idem, data)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "tickets_pkey" {
			return fmt.Errorf("ticket %s already exists", tk.Key)
		}
		if err != nil {
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return local.Ticket{}, false, fmt.Errorf("create ticket: %w", err)
	}
	return tk, created, nil
}

// UpdateTicket implements local.Store. fn runs inside the write transaction
// (perhaps more than once, see Update) and must not change the key.
func (db *DB) UpdateTicket(key string, fn func(*local.Ticket) error) error {
	err := db.Update(func(ttx triage.Tx) error {
		t := ttx.(*tx)
		tk, err := t.ticket(key, true)
		if err != nil {
			return err
		}
		if err := fn(&tk); err != nil {
			return err
		}
		if tk.Key != key {
			return fmt.Errorf("the update changed the key to %s", tk.Key)
		}
		data, err := json.Marshal(tk)
		if err != nil {
			return fmt.Errorf("encode ticket %s: %w", key, err)
		}
		_, err = t.q.Exec(t.ctx, "UPDATE tickets SET data = $2 WHERE key = $1", key, data)
		return err
	})
	if err != nil {
		return fmt.Errorf("update ticket %s: %w", key, err)
	}
	return nil
}

func (t *tx) ticket(key string, forUpdate bool) (local.Ticket, error) {
	var tk local.Ticket
	q := "SELECT data FROM tickets WHERE key = $1"
	if forUpdate {
		q += " FOR UPDATE"
	}
	var data []byte
	err := t.q.QueryRow(t.ctx, q, key).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return tk, fmt.Errorf("ticket %s: %w", key, triage.ErrNotFound)
	}
	if err != nil {
		return tk, fmt.Errorf("ticket %s: %w", key, err)
	}
	if err := json.Unmarshal(data, &tk); err != nil {
		return tk, fmt.Errorf("decode ticket %s: %w", key, err)
	}
	return tk, nil
}

// Ticket implements local.Store.
func (db *DB) Ticket(key string) (local.Ticket, error) {
	var tk local.Ticket
	err := db.View(func(ttx triage.Tx) error {
		var err error
		tk, err = ttx.(*tx).ticket(key, false)
		return err
	})
	return tk, err
}

// Tickets implements local.Store: fn sees every ticket in creation order,
// from one snapshot, walkChunk tickets at a time. fn must not write to the
// store.
func (db *DB) Tickets(fn func(local.Ticket) error) error {
	return db.View(func(ttx triage.Tx) error {
		t := ttx.(*tx)
		last := int64(0)
		next := func() ([]local.Ticket, error) {
			rows, err := t.q.Query(t.ctx, "SELECT n, data FROM tickets WHERE n > $1 ORDER BY n LIMIT $2", last, walkChunk)
			if err != nil {
				return nil, fmt.Errorf("walk tickets: %w", err)
			}
			page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (local.Ticket, error) {
				var data []byte
				var tk local.Ticket
				if err := row.Scan(&last, &data); err != nil {
					return tk, err
				}
				return tk, json.Unmarshal(data, &tk)
			})
			if err != nil {
				return nil, fmt.Errorf("walk tickets: %w", err)
			}
			return page, nil
		}
		return walkPages(next, fn)
	})
}
