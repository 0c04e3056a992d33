package storetest

import (
	"io"
	"sync"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// group is a part of the contract that a store may go without: the cases
// that need it run only on a store that offers it.
type group struct {
	name string
	// offered says whether s, opened by d, offers the group.
	offered func(s Store, d Driver) bool
	// without says why a store may go without it, for the skip.
	without string
}

func is[T any](s Store, _ Driver) bool {
	_, ok := s.(T)
	return ok
}

var (
	inbox = &group{"inbox", is[Inbox],
		"the store has no inbox of Slack deliveries (storetest.Inbox); only serve takes deliveries"}
	outbox = &group{"outbox", is[Outbox],
		"the store has no dead letters or outbox figures (storetest.Outbox); only an operator's commands read them"}
	purge = &group{"purge", is[Purger],
		"the store has no retention (storetest.Purger); only a long-lived store needs one"}
	renewer = &group{"renewer", is[triage.LeaseRenewer],
		"the store renews leases only in Update (no triage.LeaseRenewer)"}
	replicaGroup = &group{"replicas", func(_ Store, d Driver) bool { return d.Replicas },
		"the driver runs one process per store (Driver.Replicas is false)"}

	groups = []*group{inbox, outbox, purge, renewer, replicaGroup}
)

func needs(gs ...*group) []*group { return gs }

// offers opens a store of d and says which groups it offers.
func offers(t *testing.T, d Driver) map[*group]bool {
	t.Helper()
	s, err := d.New(t)(Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	h := newHandle(s)
	defer func() {
		if err := h.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	}()
	out := map[*group]bool{}
	for _, g := range groups {
		out[g] = g.offered(s, d)
	}
	return out
}

// handle is an open store with the groups it offers, which a case calls
// directly: a group the store lacks is nil there, and a case that does
// not declare a group it uses panics on such a store. It closes its store
// once, however often Close is called, and not at all when the store is
// no io.Closer.
type handle struct {
	Store
	Inbox
	Outbox
	Purger
	once sync.Once
	err  error
}

func newHandle(s Store) *handle {
	h := &handle{Store: s}
	h.Inbox, _ = s.(Inbox)
	h.Outbox, _ = s.(Outbox)
	h.Purger, _ = s.(Purger)
	return h
}

func (h *handle) Close() error {
	h.once.Do(func() {
		if c, ok := h.Store.(io.Closer); ok {
			h.err = c.Close()
		}
	})
	return h.err
}
