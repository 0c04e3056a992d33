// Package memory is a triage.Store and a local.Store held in memory: for a
// replay, which owns a throw-away state and reads it once at the end. It
// keeps requests, ledgers and tickets as the values it was given, with no
// encoding, and indexes them in sorted slices. Evict lets a replay drop
// the requests it has finished with, so that a long replay holds only
// those still in play.
package memory

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var (
	_ triage.Store = (*Store)(nil)
	_ triage.Tx    = (*tx)(nil)
	_ local.Store  = (*Store)(nil)
)

// ErrBroken is returned, wrapped, by every Update after one whose fn
// failed: the store does not undo a failed transaction's writes, so it
// refuses to build on them.
var ErrBroken = errors.New("an earlier update failed part way; the in-memory store is no longer consistent")

// Store is the in-memory state. It is safe for concurrent use: Update
// and the local.Store methods take its lock for writing, View for reading.
//
// Unlike store.DB it shares what it holds: Request and Ledger return the
// stored values, and a caller's changes to them are the store's even
// before it writes them back with PutRequest or PutLedger. A failed Update
// is not rolled back; the store then refuses further updates (ErrBroken).
// A replay stops at its first error, so neither ever matters there.
type Store struct {
	mu        sync.RWMutex
	now       func() time.Time
	dedupeTTL time.Duration
	broken    error

	lastID   int64
	requests map[int64]*stored
	byTime   map[string][]stamp // by team; "" holds every team's
	byUser   map[userKey][]stamp
	byTicket map[string]int64
	byMsg    map[msgKey]int64
	gone     evicted
	pending  map[int64]int // queued jobs by request id
	forgetAt time.Time     // when Forget next reads the job keys

	claims    map[string]claim
	ledgers   map[ledgerKey]*sprint.Ledger
	overrides map[string][]oncall.Override
	schedules map[string]*oncall.Timeline
	notes     []triage.Note
	labels    []triage.Label
	runs      map[string]time.Time

	lastJob uint64
	queued  map[uint64]*triage.Job
	due     []dueEntry // sorted by (NextAt, ID)
	jobKeys map[string]jobKey
	dead    map[uint64]*triage.Job

	tickets    map[string]*ticketEntry
	ticketSeq  []string
	ticketIdem map[string]string
	// ticketsGone says Evict dropped a ticket: a missing one may be it.
	ticketsGone bool
}

// New returns an empty store. now is its clock, which judges job-key
// expiry as store.Options.Now does; dedupeTTL is how long a completed job's
// key blocks the same job (store.Options.DedupeTTL).
func New(now func() time.Time, dedupeTTL time.Duration) *Store {
	return &Store{
		now: now, dedupeTTL: dedupeTTL,
		requests: map[int64]*stored{}, byTime: map[string][]stamp{}, byUser: map[userKey][]stamp{},
		byTicket: map[string]int64{}, byMsg: map[msgKey]int64{}, pending: map[int64]int{},
		claims: map[string]claim{}, ledgers: map[ledgerKey]*sprint.Ledger{},
		overrides: map[string][]oncall.Override{}, schedules: map[string]*oncall.Timeline{},
		runs: map[string]time.Time{}, queued: map[uint64]*triage.Job{}, jobKeys: map[string]jobKey{},
		dead: map[uint64]*triage.Job{}, tickets: map[string]*ticketEntry{}, ticketIdem: map[string]string{},
	}
}

// Update runs fn with the write lock held.
func (s *Store) Update(fn func(triage.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return s.broken
	}
	if err := fn(&tx{s: s, write: true}); err != nil {
		if !errors.Is(err, triage.ErrStop) {
			s.broken = fmt.Errorf("%w (it was: %v)", ErrBroken, err)
		}
		return err
	}
	return nil
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

type ledgerKey struct {
	team string
	n    int
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
	if c, ok := t.s.claims[key]; ok && now.Before(c.expires) {
		return c.value, false, nil
	}
	t.s.claims[key] = claim{value: value, expires: expires}
	return value, true, nil
}

// Settle is Claim that fills a live placeholder (an empty value), keeping
// its expiry.
func (t *tx) Settle(key, value string, now, expires time.Time) (string, bool, error) {
	if c, ok := t.s.claims[key]; ok && now.Before(c.expires) && c.value == "" {
		if err := t.writable("settle claim"); err != nil {
			return "", false, err
		}
		t.s.claims[key] = claim{value: value, expires: c.expires}
		return value, true, nil
	}
	return t.Claim(key, value, now, expires)
}

// Claimed returns the value of a claim on key live at now.
func (t *tx) Claimed(key string, now time.Time) (string, bool, error) {
	c, ok := t.s.claims[key]
	if !ok || !now.Before(c.expires) {
		return "", false, nil
	}
	return c.value, true, nil
}

// Ledger returns the stored ledger itself (see Store).
func (t *tx) Ledger(team string, n int) (*sprint.Ledger, error) {
	if l := t.s.ledgers[ledgerKey{team, n}]; l != nil {
		return l, nil
	}
	return nil, fmt.Errorf("ledger %s sprint %d: %w", team, n, triage.ErrNotFound)
}

// PutLedger keeps l under its team and sprint number.
func (t *tx) PutLedger(l *sprint.Ledger) error {
	if err := t.writable("put ledger"); err != nil {
		return err
	}
	if l == nil {
		return fmt.Errorf("put ledger: nil ledger")
	}
	t.s.ledgers[ledgerKey{l.Team, l.Sprint}] = l
	return nil
}

// Overrides returns the team's overrides ending after since, in creation
// order (CreatedAt, then ID).
func (t *tx) Overrides(team string, since time.Time) ([]oncall.Override, error) {
	var out []oncall.Override
	for _, o := range t.s.overrides[team] {
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
	list := t.s.overrides[o.Team]
	for i := range list {
		if list[i].ID == o.ID {
			list[i] = o
			return nil
		}
	}
	t.s.overrides[o.Team] = append(list, o)
	return nil
}

// DeleteOverride removes an override; a missing one wraps triage.ErrNotFound.
func (t *tx) DeleteOverride(team, id string) error {
	if err := t.writable("delete override"); err != nil {
		return err
	}
	list := t.s.overrides[team]
	for i := range list {
		if list[i].ID == id {
			t.s.overrides[team] = append(list[:i:i], list[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("delete override %s of %s: %w", id, team, triage.ErrNotFound)
}

// Schedule returns the team's last good schedule, or triage.ErrNotFound.
func (t *tx) Schedule(team string) (*oncall.Timeline, error) {
	if tl := t.s.schedules[team]; tl != nil {
		return tl, nil
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
	t.s.schedules[tl.Team] = tl
	return nil
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
	at, ok := t.s.runs[name]
	return at, ok, nil
}

// SetLastRun records that the scheduled job name ran for due.
func (t *tx) SetLastRun(name string, due time.Time) error {
	if err := t.writable("record run"); err != nil {
		return err
	}
	t.s.runs[name] = due
	return nil
}
