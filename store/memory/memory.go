// Package memory is a triage.Store and a local.Store held in memory: for a
// replay, which owns a throw-away state and reads it once at the end. It
// keeps requests, ledgers and tickets decoded, and indexes them in sorted
// slices. It meets the store contract that store/storetest holds every
// store to, and offers none of the optional groups there (no inbox,
// dead-letter commands, retention, leases or replicas: a replay has no
// use for them; and its writes keep what they are given, see
// Store.SharesWrites). Evict lets a replay drop the requests it has
// finished with, so that a long replay holds only those still in play.
package memory

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var (
	_ triage.Store         = (*Store)(nil)
	_ triage.Tx            = (*tx)(nil)
	_ triage.RequestPeeker = (*tx)(nil)
	_ local.Store          = (*Store)(nil)
)

// Store is the in-memory state. It is safe for concurrent use: Update
// and the local.Store methods take its lock for writing, View for reading.
//
// It keeps the triage.Store contract as store.DB does (store/storetest
// runs the contract on both). A failed Update leaves nothing: each write
// logs what it replaced, and the log is played back when fn fails. Reads
// hand out copies (of requests, jobs, ledgers, schedules, tickets), so
// that a caller changing what it read changes nothing stored, and a
// rolled back Update cannot have changed a stored value in place. Intake
// reads a ledger with LedgerFor, a copy of only the charges it changes,
// as store.DB's. Unlike store.DB, it keeps the requests and tickets it is
// given as they are (see SharesWrites).
type Store struct {
	mu        sync.RWMutex
	now       func() time.Time
	dedupeTTL time.Duration

	lastID   int64
	requests logged[int64, stored]
	byTime   index[string] // by team; "" holds every team's
	byUser   index[userKey]
	byTicket logged[string, int64]
	byMsg    logged[msgKey, int64]
	gone     evicted
	pending  logged[int64, int] // queued jobs by request id
	forgetAt time.Time          // when Forget next reads the job keys

	claims    logged[string, claim]
	heads     logged[ledgerKey, ledgerHead]
	charges   logged[chargeKey, sprint.Charge]
	overrides logged[string, []oncall.Override]
	schedules logged[string, *oncall.Timeline]
	notes     []triage.Note
	labels    []triage.Label
	runs      logged[string, time.Time]

	lastJob uint64
	queued  logged[uint64, *triage.Job]
	due     index[struct{}] // one list, by (NextAt, ID)
	jobKeys logged[string, jobKey]
	dead    logged[uint64, *triage.Job]

	tickets    logged[string, ticketEntry]
	ticketSeq  []string
	ticketIdem logged[string, string]
	// ticketsGone says Evict dropped a ticket: a missing one may be it.
	ticketsGone bool
}

// New returns an empty store. now is its clock, which judges job-key
// expiry as store.Options.Now does; dedupeTTL is how long a completed job's
// key blocks the same job (store.Options.DedupeTTL).
func New(now func() time.Time, dedupeTTL time.Duration) *Store {
	return &Store{
		now: now, dedupeTTL: dedupeTTL,
		requests: newLogged[int64, stored](), byTime: newIndex[string](), byUser: newIndex[userKey](),
		byTicket: newLogged[string, int64](), byMsg: newLogged[msgKey, int64](), pending: newLogged[int64, int](),
		claims: newLogged[string, claim](), heads: newLogged[ledgerKey, ledgerHead](),
		charges: newLogged[chargeKey, sprint.Charge](), overrides: newLogged[string, []oncall.Override](),
		schedules: newLogged[string, *oncall.Timeline](), runs: newLogged[string, time.Time](),
		queued: newLogged[uint64, *triage.Job](), due: newIndex[struct{}](), jobKeys: newLogged[string, jobKey](),
		dead: newLogged[uint64, *triage.Job](), tickets: newLogged[string, ticketEntry](),
		ticketIdem: newLogged[string, string](),
	}
}

// Update runs fn with the write lock held, and undoes its writes unless
// it returns nil.
func (s *Store) Update(fn func(triage.Tx) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.mark()
	done := false
	defer func() {
		if !done || err != nil {
			s.rollback(m) // fn failed or panicked
		} else {
			s.keep()
		}
	}()
	err = fn(&tx{s: s, write: true})
	done = true
	return err
}

// SharesWrites says why the store keeps the very request given to
// PutRequest, and the ticket given to CreateTicket or UpdateTicket: the
// caller must not change one after writing it. store/storetest skips its
// cases about copies kept by writes on a store that says this.
func (s *Store) SharesWrites() string {
	return "store/memory keeps the requests and tickets it is given: copying each write cost replay " +
		"about 90 MiB of allocation and 260k allocations per 100k messages (bench/replay)"
}

// View runs fn with the read lock held; writes in it return an error.
func (s *Store) View(fn func(triage.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(&tx{s: s})
}

// tx is the view of the store inside one Update or View.
type tx struct {
	s     *Store
	write bool
}

var errReadOnly = errors.New("write in a read-only transaction")

func (t *tx) writable(what string) error {
	if !t.write {
		return fmt.Errorf("%s: %w", what, errReadOnly)
	}
	return nil
}

type claim struct {
	value   string
	expires time.Time
}

// Claim records key until expires, replacing a claim expired at now.
func (t *tx) Claim(key, value string, now, expires time.Time) (string, bool, error) {
	if err := t.writable("claim"); err != nil {
		return "", false, err
	}
	if key == "" {
		return "", false, fmt.Errorf("claim: empty key")
	}
	if c, ok := t.s.claims.m[key]; ok && now.Before(c.expires) {
		return c.value, false, nil
	}
	t.s.claims.set(key, claim{value: value, expires: expires})
	return value, true, nil
}

// Settle is Claim that fills a live placeholder (an empty value), keeping
// its expiry.
func (t *tx) Settle(key, value string, now, expires time.Time) (string, bool, error) {
	if c, ok := t.s.claims.m[key]; ok && now.Before(c.expires) && c.value == "" {
		if err := t.writable("settle claim"); err != nil {
			return "", false, err
		}
		t.s.claims.set(key, claim{value: value, expires: c.expires})
		return value, true, nil
	}
	return t.Claim(key, value, now, expires)
}

// Claimed returns the value of a claim on key live at now.
func (t *tx) Claimed(key string, now time.Time) (string, bool, error) {
	c, ok := t.s.claims.m[key]
	if !ok || !now.Before(c.expires) {
		return "", false, nil
	}
	return c.value, true, nil
}

// Overrides returns the team's overrides ending after since, in creation
// order (CreatedAt, then ID).
func (t *tx) Overrides(team string, since time.Time) ([]oncall.Override, error) {
	var out []oncall.Override
	for _, o := range t.s.overrides.m[team] {
		if o.End.After(since) {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].CreatedAt.Compare(out[j].CreatedAt); c != 0 {
			return c < 0
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// PutOverride saves o under (o.Team, o.ID), replacing one with that id.
func (t *tx) PutOverride(o oncall.Override) error {
	if err := t.writable("put override"); err != nil {
		return err
	}
	if o.ID == "" || o.Team == "" {
		return fmt.Errorf("put override: it needs an id and a team")
	}
	if err := o.Validate(); err != nil {
		return fmt.Errorf("put override %s: %w", o.ID, err)
	}
	// A new list each time: the one replaced stays as it was, for a rollback.
	list := slices.Clone(t.s.overrides.m[o.Team])
	if i := slices.IndexFunc(list, func(x oncall.Override) bool { return x.ID == o.ID }); i >= 0 {
		list[i] = o
	} else {
		list = append(list, o)
	}
	t.s.overrides.set(o.Team, list)
	return nil
}

// DeleteOverride removes an override; a missing one wraps triage.ErrNotFound.
func (t *tx) DeleteOverride(team, id string) error {
	if err := t.writable("delete override"); err != nil {
		return err
	}
	list := t.s.overrides.m[team]
	for i := range list {
		if list[i].ID == id {
			t.s.overrides.set(team, slices.Delete(slices.Clone(list), i, i+1))
			return nil
		}
	}
	return fmt.Errorf("delete override %s of %s: %w", id, team, triage.ErrNotFound)
}

// Schedule returns a copy of the team's last good schedule, or
// triage.ErrNotFound.
func (t *tx) Schedule(team string) (*oncall.Timeline, error) {
	if tl := t.s.schedules.m[team]; tl != nil {
		return cloneTimeline(tl), nil
	}
	return nil, fmt.Errorf("schedule of %s: %w", team, triage.ErrNotFound)
}

// PutSchedule keeps tl as its team's last good schedule.
func (t *tx) PutSchedule(tl *oncall.Timeline) error {
	if err := t.writable("put schedule"); err != nil {
		return err
	}
	if tl == nil {
		return fmt.Errorf("put schedule: nil timeline")
	}
	t.s.schedules.set(tl.Team, cloneTimeline(tl))
	return nil
}

func cloneTimeline(tl *oncall.Timeline) *oncall.Timeline {
	c := *tl
	c.Shifts, c.Unmapped = slices.Clone(tl.Shifts), slices.Clone(tl.Unmapped)
	for i, sh := range c.Shifts {
		if sh.Override != nil {
			o := *sh.Override
			c.Shifts[i].Override = &o
		}
	}
	return &c
}

// AddNote saves a handoff note.
func (t *tx) AddNote(n triage.Note) error {
	if err := t.writable("add note"); err != nil {
		return err
	}
	t.s.notes = append(t.s.notes, n)
	return nil
}

// Notes returns the team's notes written at or after since, oldest first
// (notes written at the same time in the order they were added).
func (t *tx) Notes(team string, since time.Time) ([]triage.Note, error) {
	var out []triage.Note
	for _, n := range t.s.notes {
		if n.Team == team && !n.At.Before(since) {
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// AddLabel saves what an on-call action said about a request.
func (t *tx) AddLabel(l triage.Label) error {
	if err := t.writable("add label"); err != nil {
		return err
	}
	t.s.labels = append(t.s.labels, l)
	return nil
}

// Labels calls fn for the team's labels in the order they were added; an
// empty team means every team, team by team as store.DB orders them.
func (t *tx) Labels(team string, fn func(triage.Label) error) error {
	list := t.s.labels
	if team == "" {
		list = append([]triage.Label(nil), list...)
		sort.SliceStable(list, func(i, j int) bool { return list[i].Team < list[j].Team })
	}
	for _, l := range list {
		if team != "" && l.Team != team {
			continue
		}
		if err := fn(l); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// LastRun returns the due time the scheduled job name last ran for.
func (t *tx) LastRun(name string) (time.Time, bool, error) {
	at, ok := t.s.runs.m[name]
	return at, ok, nil
}

// SetLastRun records that the scheduled job name ran for due.
func (t *tx) SetLastRun(name string, due time.Time) error {
	if err := t.writable("record run"); err != nil {
		return err
	}
	t.s.runs.set(name, due.UTC())
	return nil
}
