package memory

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// ErrEvicted is returned, wrapped, by a read that would have seen a
// request (or its ticket) that Evict has dropped: the store can no longer
// give the answer it would have given. A replay that meets it starts over
// without evicting.
var ErrEvicted = errors.New("the request was evicted from the in-memory store")

// evicted records what Evict dropped, so that reads reaching it fail
// loudly instead of answering as if it had never been.
type evicted struct {
	ids []uint64 // bit set of request ids
	// horizon is, per time index, the latest creation time evicted from
	// it: a walk starting at or before it might have met one.
	horizon     map[string]time.Time
	userHorizon map[userKey]time.Time
	any         map[string]bool // teams with evicted requests
}

func (e *evicted) has(id int64) bool {
	i := uint64(id)
	return id > 0 && i/64 < uint64(len(e.ids)) && e.ids[i/64]&(1<<(i%64)) != 0
}

func (e *evicted) add(id int64) {
	i := uint64(id)
	for i/64 >= uint64(len(e.ids)) {
		e.ids = append(e.ids, 0)
	}
	e.ids[i/64] |= 1 << (i % 64)
}

// reaches reports whether a walk of [from, ...) on a list whose evicted
// entries were created at or before horizon might meet one of them.
func reaches(horizon time.Time, ok bool, from time.Time) bool {
	return ok && !from.After(horizon)
}

// Evict drops team's oldest requests, in creation order, for as long as
// each has no queued job and done says it will not be read or changed
// again, and hands each to fn before dropping it with its local ticket.
// It stops at the first request that is not done, so that fn sees the
// team's requests in the order Requests walks them. A later read by id, by
// ticket or through a time index that might meet a dropped request wraps
// ErrEvicted rather than missing it; so does any read of a ticket the
// store no longer has. Two things are forgotten for good, to keep the
// store small: RequestByMessage no longer finds a dropped request (the
// caller must not offer a message as old as one it evicted), and a
// dropped ticket's idempotency key (only a job of its request would use
// it, and a request with a queued job is not dropped). It returns how many
// it dropped; team must be named. done and fn run with the store's lock held and must not
// call the store.
func (s *Store) Evict(team string, done func(*triage.Request) bool, fn func(*triage.Request)) int {
	return s.evict(team, false, done, fn)
}

// EvictRest is Evict of every request the team has left, queued jobs or
// not: for the end of a replay, which reads each request once more.
func (s *Store) EvictRest(team string, fn func(*triage.Request)) int {
	return s.evict(team, true, func(*triage.Request) bool { return true }, fn)
}

func (s *Store) evict(team string, all bool, done func(*triage.Request) bool, fn func(*triage.Request)) int {
	if team == "" {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.byTime.lists[team]
	n := 0
	for n < len(list) {
		e := list[n]
		st, ok := s.requests.m[e.id]
		if !ok || !all && s.pending.m[e.id] > 0 || !done(st.r) {
			break
		}
		fn(st.r)
		s.drop(e.id, st)
		n++
	}
	if n == 0 {
		return 0
	}
	s.byTime.lists[team] = slices.Clip(list[n:])
	// Every team's list keeps the dropped entries until they are half of
	// it: they all come before gone.horizon[""], where no read of the list
	// goes, and removing them at each call read the whole list each time.
	// The list holds every kept request once, so the rest are dropped.
	if all := s.byTime.lists[""]; (len(all)-len(s.requests.m))*2 > len(all) {
		s.byTime.lists[""] = slices.DeleteFunc(all, func(e stamp) bool {
			_, ok := s.requests.m[e.id]
			return !ok
		})
	}
	return n
}

// drop forgets the request id but for the marks that make reads of it
// fail.
func (s *Store) drop(id int64, st stored) {
	f := st.idx
	g := &s.gone
	if g.horizon == nil {
		g.horizon, g.userHorizon, g.any = map[string]time.Time{}, map[userKey]time.Time{}, map[string]bool{}
	}
	g.add(id)
	g.any[f.team], g.any[""] = true, true
	g.horizon[f.team] = later(g.horizon[f.team], f.created)
	g.horizon[""] = later(g.horizon[""], f.created)
	if f.user != "" {
		k := userKey{f.team, f.user}
		g.userHorizon[k] = later(g.userHorizon[k], f.created)
		s.byUser.drop(k, stamp{f.created, id})
	}
	if f.ticket != "" {
		if e, ok := s.tickets.m[f.ticket]; ok {
			if e.idem != "" && s.ticketIdem.m[e.idem] == f.ticket {
				delete(s.ticketIdem.m, e.idem)
			}
			delete(s.tickets.m, f.ticket)
			s.ticketsGone = true
		}
		if s.byTicket.m[f.ticket] == id {
			delete(s.byTicket.m, f.ticket)
		}
	}
	if k := (msgKey{f.channel, f.ts}); s.byMsg.m[k] == id {
		delete(s.byMsg.m, k)
	}
	delete(s.requests.m, id)
	delete(s.pending.m, id)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Forget drops the keys of jobs done longer than the dedupe TTL ago,
// which Enqueue already treats as absent, so that a long replay keeps only
// a TTL's worth of them. It reads the keys at most once an eighth of the
// TTL, so it may be called often. The store's clock must not go back
// after it.
func (s *Store) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if now.Before(s.forgetAt) {
		return
	}
	s.forgetAt = now.Add(s.dedupeTTL / 8)
	for k, v := range s.jobKeys.m {
		if v.state == keyDone && !now.Before(v.until) {
			delete(s.jobKeys.m, k)
		}
	}
}

// evictedErr is the error of a read that met an evicted request.
func evictedErr(what string) error {
	return fmt.Errorf("%s: %w", what, ErrEvicted)
}
