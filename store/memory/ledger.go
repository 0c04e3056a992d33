package memory

import (
	"fmt"
	"maps"
	"slices"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// The store keeps a ledger as store.DB does: its head, with the running
// total, and one charge per request apart from it. A sprint holds a charge
// for each of its requests, and intake changes one: reading and writing
// that one and the head keeps intake's cost, and its copies, small.

type ledgerKey struct {
	team string
	n    int
}

// ledgerHead is a ledger but for its charges. Its lists are the store's
// own: a PutLedger that changes one stores a copy.
type ledgerHead struct {
	unit                string
	total, spent        float64
	thresholds, crossed []float64
}

type chargeKey struct {
	ledgerKey
	id string
}

// Ledger returns a copy of the team's ledger for sprint n with every
// charge. It reads every charge of every ledger: intake uses LedgerFor,
// and a replay reads no whole ledger.
func (t *tx) Ledger(team string, n int) (*sprint.Ledger, error) {
	k := ledgerKey{team, n}
	l, err := t.head(k)
	if err != nil {
		return nil, err
	}
	for ck, c := range t.s.charges.m {
		if ck.ledgerKey == k {
			l.Charges[ck.id] = c
		}
	}
	l.Track()
	return l, nil
}

// LedgerFor returns a copy of the team's ledger for sprint n holding only
// the charges of ids (Partial), which is what charging or releasing them
// needs.
func (t *tx) LedgerFor(team string, n int, ids ...string) (*sprint.Ledger, error) {
	k := ledgerKey{team, n}
	l, err := t.head(k)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if c, ok := t.s.charges.m[chargeKey{k, id}]; ok {
			l.Charges[id] = c
		}
	}
	l.Partial = true
	l.Track()
	return l, nil
}

// head returns a copy of the ledger's head, with no charges.
func (t *tx) head(k ledgerKey) (*sprint.Ledger, error) {
	h, ok := t.s.heads.m[k]
	if !ok {
		return nil, fmt.Errorf("ledger %s sprint %d: %w", k.team, k.n, triage.ErrNotFound)
	}
	return &sprint.Ledger{Team: k.team, Sprint: k.n, Unit: h.unit, Total: h.total, Thresholds: slices.Clone(h.thresholds),
		Crossed: slices.Clone(h.crossed), Spent: h.spent, Charges: map[string]sprint.Charge{}}, nil
}

// PutLedger keeps l's head and the charges that changed since it was
// read, or all of them (replacing the stored ones) when it was not read
// from the store.
func (t *tx) PutLedger(l *sprint.Ledger) error {
	if err := t.writable("put ledger"); err != nil {
		return err
	}
	if l == nil {
		return fmt.Errorf("put ledger: nil ledger")
	}
	k := ledgerKey{l.Team, l.Sprint}
	ids, tracked := l.Changed()
	if !tracked {
		if l.Partial {
			return fmt.Errorf("put ledger %s sprint %d: a partial ledger must come from the store", l.Team, l.Sprint)
		}
		if _, ok := t.s.heads.m[k]; ok {
			// Rare: a ledger made afresh over a stored one.
			for ck := range t.s.charges.m {
				if ck.ledgerKey == k {
					t.s.charges.del(ck)
				}
			}
		}
		ids = slices.Sorted(maps.Keys(l.Charges))
	}
	old := t.s.heads.m[k]
	t.s.heads.set(k, ledgerHead{unit: l.Unit, total: l.Total, spent: l.Used(),
		thresholds: ownCopy(old.thresholds, l.Thresholds), crossed: ownCopy(old.crossed, l.Crossed)})
	for _, id := range ids {
		if c, ok := l.Charges[id]; ok {
			t.s.charges.set(chargeKey{k, id}, c)
		} else {
			t.s.charges.del(chargeKey{k, id})
		}
	}
	return nil
}

// ownCopy returns stored when it holds what list does, else a copy of
// list: intake rewrites a ledger's head for each charge, and its lists
// seldom change.
func ownCopy(stored, list []float64) []float64 {
	if slices.Equal(stored, list) && (stored == nil) == (list == nil) {
		return stored
	}
	return slices.Clone(list)
}
