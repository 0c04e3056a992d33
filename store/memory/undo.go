package memory

import "slices"

// The store undoes a failed Update from logs of what its writes replaced:
// each map and index keeps its own, in the order written, and a rollback
// puts the old values back latest first. Copying what an Update touches
// instead would copy a request or a ledger for every write; a log entry is
// a key and an old value, in a slice each Update reuses.

// logged is a map whose writes inside an Update are logged.
type logged[K comparable, V any] struct {
	m   map[K]V
	log []prior[K, V]
}

// prior is what a key held before a write: its value, or nothing.
type prior[K comparable, V any] struct {
	k   K
	v   V
	had bool
}

func newLogged[K comparable, V any]() logged[K, V] { return logged[K, V]{m: map[K]V{}} }

func (l *logged[K, V]) set(k K, v V) {
	old, had := l.m[k]
	l.log = append(l.log, prior[K, V]{k, old, had})
	l.m[k] = v
}

func (l *logged[K, V]) del(k K) {
	if old, had := l.m[k]; had {
		l.log = append(l.log, prior[K, V]{k, old, true})
		delete(l.m, k)
	}
}

// rollback puts back what the logged writes replaced.
func (l *logged[K, V]) rollback() {
	for _, p := range slices.Backward(l.log) {
		if p.had {
			l.m[p.k] = p.v
		} else {
			delete(l.m, p.k)
		}
	}
	l.keep()
}

// keep forgets the log once its Update is over, dropping what it held.
func (l *logged[K, V]) keep() {
	clear(l.log)
	l.log = l.log[:0]
}

// index is sorted lists of stamps by key, whose changes inside an Update
// are logged: an insert is undone by a removal and the other way round.
type index[K comparable] struct {
	lists map[K][]stamp
	log   []indexChange[K]
}

type indexChange[K comparable] struct {
	k     K
	e     stamp
	added bool
}

func newIndex[K comparable]() index[K] { return index[K]{lists: map[K][]stamp{}} }

func (x *index[K]) add(k K, e stamp) {
	if list, ok := insert(x.lists[k], e); ok {
		x.lists[k] = list
		x.log = append(x.log, indexChange[K]{k, e, true})
	}
}

func (x *index[K]) remove(k K, e stamp) {
	if x.drop(k, e) {
		x.log = append(x.log, indexChange[K]{k, e, false})
	}
}

// drop removes e from k's list, and the list once it is empty.
func (x *index[K]) drop(k K, e stamp) bool {
	list, ok := remove(x.lists[k], e)
	if len(list) == 0 {
		delete(x.lists, k)
	} else {
		x.lists[k] = list
	}
	return ok
}

func (x *index[K]) rollback() {
	for _, c := range slices.Backward(x.log) {
		if c.added {
			x.drop(c.k, c.e)
		} else {
			x.lists[c.k], _ = insert(x.lists[c.k], c.e)
		}
	}
	x.keep()
}

func (x *index[K]) keep() { x.log = x.log[:0] }

// mark is where the store's counters and append-only lists stood when an
// Update began.
type mark struct {
	lastID                     int64
	lastJob                    uint64
	notes, labels, ticketsMade int
}

func (s *Store) mark() mark {
	return mark{s.lastID, s.lastJob, len(s.notes), len(s.labels), len(s.ticketSeq)}
}

// undoable is a map or an index whose writes inside an Update are logged.
type undoable interface {
	rollback()
	keep()
}

// eachLog calls do with every logged map and index of the store: the one
// list of them, so that rollback and keep cannot miss one the other has.
func (s *Store) eachLog(do func(undoable)) {
	for _, l := range [...]undoable{
		&s.requests, &s.byTime, &s.byUser, &s.byTicket, &s.byMsg, &s.pending,
		&s.claims, &s.heads, &s.charges, &s.overrides, &s.schedules, &s.runs,
		&s.queued, &s.due, &s.jobKeys, &s.dead, &s.tickets, &s.ticketIdem,
	} {
		do(l)
	}
}

// rollback undoes every write since m: the Update that began there failed.
func (s *Store) rollback(m mark) {
	s.lastID, s.lastJob = m.lastID, m.lastJob
	s.notes = truncate(s.notes, m.notes)
	s.labels = truncate(s.labels, m.labels)
	s.ticketSeq = truncate(s.ticketSeq, m.ticketsMade)
	s.eachLog(undoable.rollback)
}

// keep forgets the logs: the writes since the Update began stand.
func (s *Store) keep() { s.eachLog(undoable.keep) }

func truncate[E any](list []E, n int) []E {
	clear(list[n:])
	return list[:n]
}
