package memory

import (
	"errors"
	"fmt"
	"slices"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// CreateTicket implements local.Store: the ticket already made for
// idemKey, or a new one numbered from 1.
func (s *Store) CreateTicket(idemKey string, build func(n int64) local.Ticket) (local.Ticket, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tk, made, err := s.createTicket(idemKey, build)
	s.keep() // no Update to undo it: it stands, or wrote nothing
	return tk, made, err
}

// CreateTicketIn is CreateTicket inside an Update, so that a request and
// its local ticket are made together, as store.DB's transactions can.
func (t *tx) CreateTicketIn(idemKey string, build func(n int64) local.Ticket) (local.Ticket, bool, error) {
	if err := t.writable("create ticket"); err != nil {
		return local.Ticket{}, false, err
	}
	return t.s.createTicket(idemKey, build)
}

func (s *Store) createTicket(idemKey string, build func(n int64) local.Ticket) (local.Ticket, bool, error) {
	if key, ok := s.ticketIdem.m[idemKey]; ok && idemKey != "" {
		tk, err := s.ticket(key)
		return tk, false, err
	}
	tk := build(int64(len(s.ticketSeq) + 1))
	if tk.Key == "" {
		return local.Ticket{}, false, fmt.Errorf("create ticket: ticket %d has no key", len(s.ticketSeq)+1)
	}
	if _, ok := s.tickets.m[tk.Key]; ok {
		return local.Ticket{}, false, fmt.Errorf("create ticket: ticket %s already exists", tk.Key)
	}
	s.tickets.set(tk.Key, ticketEntry{tk, idemKey})
	s.ticketSeq = append(s.ticketSeq, tk.Key)
	if idemKey != "" {
		s.ticketIdem.set(idemKey, tk.Key)
	}
	return tk, true, nil
}

// UpdateTicket implements local.Store. fn must not change the ticket's key.
func (s *Store) UpdateTicket(key string, fn func(*local.Ticket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tk, err := s.ticket(key)
	if err != nil {
		return fmt.Errorf("update %w", err)
	}
	if err := fn(&tk); err != nil {
		return fmt.Errorf("update ticket %s: %w", key, err)
	}
	if tk.Key != key {
		return fmt.Errorf("update ticket %s: the update changed the key to %s", key, tk.Key)
	}
	// Not logged: no Update is under way to undo it. tk is fn's, made
	// from a copy: the store's own is not changed in place.
	s.tickets.m[key] = ticketEntry{tk, s.tickets.m[key].idem}
	return nil
}

// Ticket implements local.Store.
func (s *Store) Ticket(key string) (local.Ticket, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ticket(key)
}

// ticket returns a copy of the ticket key. Once Evict has dropped a
// ticket, a missing one wraps ErrEvicted, since it may be that one.
func (s *Store) ticket(key string) (local.Ticket, error) {
	tk, ok := s.tickets.m[key]
	switch {
	case !ok && s.ticketsGone:
		return local.Ticket{}, fmt.Errorf("ticket %s: %w", key, ErrEvicted)
	case !ok:
		return local.Ticket{}, fmt.Errorf("ticket %s: %w", key, triage.ErrNotFound)
	}
	return cloneTicket(tk.t), nil
}

// cloneTicket copies tk with nothing shared, so that a read's ticket is
// the caller's own.
func cloneTicket(tk local.Ticket) local.Ticket {
	tk.Labels, tk.Comments = slices.Clone(tk.Labels), slices.Clone(tk.Comments)
	tk.Worklog, tk.Applied = slices.Clone(tk.Worklog), slices.Clone(tk.Applied)
	return tk
}

// Tickets implements local.Store: every ticket in creation order. fn must
// not write to the store.
func (s *Store) Tickets(fn func(local.Ticket) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, key := range s.ticketSeq {
		tk, err := s.ticket(key)
		if err != nil {
			return err
		}
		if err := fn(tk); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// ticketEntry is a ticket and the idempotency key it was made for, which
// Evict forgets with it.
type ticketEntry struct {
	t    local.Ticket
	idem string
}
