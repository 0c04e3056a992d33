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
	// lacks says why s, opened by d, goes without the group, or "" when
	// it offers it.
	lacks func(s Store, d Driver) string
}

// unless is a group's lacks for an optional interface T of the store.
func unless[T any](why string) func(Store, Driver) string {
	return func(s Store, _ Driver) string {
		if _, ok := s.(T); ok {
			return ""
		}
		return why
	}
}

// Sharer is a store that keeps some values its writes are given as they
// are, not copies: the caller must not change one after writing it.
// SharesWrites says which and why.
type Sharer interface {
	SharesWrites() string
}

var (
	inbox = &group{"inbox", unless[Inbox](
		"the store has no inbox of Slack deliveries (storetest.Inbox); only serve takes deliveries")}
	outbox = &group{"outbox", unless[Outbox](
		"the store has no dead letters or outbox figures (storetest.Outbox); only an operator's commands read them")}
	purge = &group{"purge", unless[Purger](
		"the store has no retention (storetest.Purger); only a long-lived store needs one")}
	renewer = &group{"renewer", unless[triage.LeaseRenewer](
		"the store renews leases only in Update (no triage.LeaseRenewer)")}
	replicaGroup = &group{"replicas", func(_ Store, d Driver) string {
		if d.Replicas {
			return ""
		}
		return replicasWhy
	}}
	copiesKept = &group{"copies", func(s Store, _ Driver) string {
		if sh, ok := s.(Sharer); ok {
			return sh.SharesWrites()
		}
		return ""
	}}

	groups = []*group{inbox, outbox, purge, renewer, replicaGroup, copiesKept}
)

const replicasWhy = "the driver runs one process per store (Driver.Replicas is false)"

func needs(gs ...*group) []*group { return gs }

// offers opens a store of d and says why it goes without each group it
// lacks.
func offers(t *testing.T, d Driver) map[*group]string {
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
	out := map[*group]string{}
	for _, g := range groups {
		out[g] = g.lacks(s, d)
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
