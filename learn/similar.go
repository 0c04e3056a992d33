package learn

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Shown is how many similar requests the on-call sees; Considered is how
// many of the best matches a learned estimate may come from, and
// MinResolved how many of those must be resolved with time spent.
const (
	Shown       = 3
	Considered  = 5
	MinResolved = 3
)

// Finder finds a request's similar earlier requests of its team, with one
// Index per team built from the store on first use and grown by each
// lookup with every request stored since the last. It implements
// triage.SimilarFinder and is safe for concurrent use.
type Finder struct {
	store triage.Store

	mu      sync.Mutex
	loaded  bool
	indexes map[string]*Index
	// seen is the highest request id read from the store: every request
	// up to it that the store held then is indexed.
	seen int64
}

var _ triage.SimilarFinder = (*Finder)(nil)

// NewFinder returns a Finder over store's requests.
func NewFinder(store triage.Store) *Finder {
	return &Finder{store: store, indexes: map[string]*Index{}}
}

var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Load builds every team's index from the store now, rather than on the
// first lookup: serve calls it at startup and says it is not ready until
// it returns, so that Slack's first events meet a built index instead of
// sharing the CPU with a walk of the whole store (issue 12: with 100k
// stored requests, the walk on the first lookup took 0.6 s of CPU, nearly
// half of serve's while its first 300 events were acked). It does
// nothing once an index is built.
func (f *Finder) Load(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.load(ctx)
}

// textWalker is a transaction that walks every request as triage.TextOf,
// in id order, without decoding any whole (the bbolt store's does).
type textWalker interface {
	RequestTexts(fn func(*triage.Request) error) error
}

// load indexes every stored request once. Requests purged by retention
// have no text and are left out. After a walk that failed or was
// cancelled, the next call walks them all again: an index adds no request
// twice (see Index.Add).
func (f *Finder) load(ctx context.Context) error {
	if f.loaded {
		return nil
	}
	n := 0
	add := func(r *triage.Request) error {
		if n++; n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		f.addLocked(r, nil)
		return nil
	}
	err := f.store.View(func(tx triage.Tx) error {
		if w, ok := tx.(textWalker); ok {
			return w.RequestTexts(add)
		}
		return tx.Requests("", time.Time{}, farFuture, add)
	})
	if err != nil {
		return fmt.Errorf("index requests: %w", err)
	}
	for _, x := range f.indexes {
		x.Compact()
	}
	f.loaded = true
	return nil
}

// addLocked indexes r, unless retention purged its text, and counts it
// read. ts are the terms of its text (see textTerms), or nil.
func (f *Finder) addLocked(r *triage.Request, ts []string) {
	f.seen = max(f.seen, r.ID)
	if r.Purged {
		return
	}
	x := f.indexes[r.Team]
	if x == nil {
		x = NewIndex()
		f.indexes[r.Team] = x
	}
	if ts == nil {
		ts = textTerms(r)
	}
	x.addTerms(r.ID, ts)
}

// textTerms returns the terms of r's text, as indexed and looked up.
func textTerms(r *triage.Request) []string {
	return terms(r.Summary + "\n" + r.Details)
}

// index returns r's team's index with r in it, and every request stored
// between the last lookup and r: one whose own lookup never ran (a rule's
// answer solved it, or it asked for help later) or ran in another
// replica is a similar request for the next ones all the same. A request
// read already is not added again, so a retried lookup counts none twice.
// It returns nil when the team has nothing indexed. ts are the terms of
// r's text, which index leaves as they are.
func (f *Finder) index(ctx context.Context, r *triage.Request, ts []string) (*Index, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(ctx); err != nil {
		return nil, err
	}
	if r.ID > f.seen+1 {
		err := f.store.View(func(tx triage.Tx) error {
			for id := f.seen + 1; id < r.ID; id++ {
				s, err := triage.RequestText(tx, id)
				if errors.Is(err, triage.ErrNotFound) {
					continue // an id no request kept
				}
				if err != nil {
					return err
				}
				f.addLocked(s, nil)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("index new requests: %w", err)
		}
	}
	if r.ID > f.seen {
		f.addLocked(r, ts)
	}
	return f.indexes[r.Team], nil
}

// Find returns r's similar earlier requests, best first, and the median
// time spent on those of the best Considered that were resolved with time
// spent, when there are at least MinResolved of them.
func (f *Finder) Find(ctx context.Context, r *triage.Request) (triage.Learned, error) {
	var l triage.Learned
	// The text's terms serve both to index r and to look it up.
	ts := textTerms(r)
	x, err := f.index(ctx, r, ts)
	if err != nil || x == nil {
		return l, err
	}
	hits := x.searchTerms(ts, Considered+1, r.ID)
	var spent []float64
	var from []triage.Similar
	err = f.store.View(func(tx triage.Tx) error {
		for _, h := range hits {
			if h.ID > r.ID {
				continue // asked later: a lookup retried after a while
			}
			sim, err := similarOf(tx, h.ID)
			if errors.Is(err, triage.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if len(l.Similar) < Shown {
				l.Similar = append(l.Similar, sim)
			}
			if sim.Status == triage.StatusResolved && sim.HasActual && len(spent) < Considered {
				spent = append(spent, sim.Actual)
				from = append(from, sim)
			}
		}
		return nil
	})
	if err != nil {
		return triage.Learned{}, fmt.Errorf("read similar requests: %w", err)
	}
	if len(spent) >= MinResolved {
		l.Estimate, l.HasEstimate = Median(spent)
		// Oldest first, as people read ticket numbers; the median does
		// not depend on the order.
		slices.SortFunc(from, func(a, b triage.Similar) int { return cmp.Compare(a.ID, b.ID) })
		for _, s := range from {
			l.From = append(l.From, s.Ref)
		}
	}
	return l, nil
}

// similarReader is a transaction that reads a request as a similar
// request without reading it whole (the bbolt store's does).
type similarReader interface {
	SimilarRequest(id int64) (triage.Similar, error)
}

// similarOf reads request id as a similar request, through tx's own
// reader when it has one.
func similarOf(tx triage.Tx, id int64) (triage.Similar, error) {
	if sr, ok := tx.(similarReader); ok {
		return sr.SimilarRequest(id)
	}
	r, err := tx.Request(id)
	if err != nil {
		return triage.Similar{}, err
	}
	return triage.SimilarOf(r), nil
}
