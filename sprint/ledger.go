package sprint

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"time"
)

// Ledger is one team's budget ledger for one sprint. It is a value that the
// store persists (exported fields, JSON tags); it is not safe for concurrent
// use. A Ledger decoded from JSON works as-is: a nil Charges map is fine.
type Ledger struct {
	Team       string            `json:"team"`
	Sprint     int               `json:"sprint"`
	Unit       string            `json:"unit,omitempty"`
	Total      float64           `json:"total"`
	Thresholds []float64         `json:"thresholds"` // fractions of Total, ascending
	Charges    map[string]Charge `json:"charges"`    // by request id
	Crossed    []float64         `json:"crossed"`    // thresholds already signalled, never signalled twice
	// Spent is the running total of the charges' amounts, kept by Reserve,
	// Settle and Release, so that reading the budget left never sums the
	// charges: a sprint holds one per request. A ledger built with Charges
	// but no Spent is summed once, when first used. It is derived, so
	// not part of the ledger's JSON: two stores holding the same charges
	// export the same ledger.
	Spent float64 `json:"-"`
	// Partial is set on a ledger read with only some of its charges (those
	// of the requests being charged): Spent still counts every charge, but
	// Charges and Top do not.
	Partial bool `json:"-"`

	counted bool            // Spent is the total of every charge
	changed map[string]bool // ids whose charge changed since Track; nil when not tracked
}

// Track tells l that Spent is its total and starts recording which
// charges change, for a store that saves only those (see Changed). A store
// calls it on the ledgers it reads.
func (l *Ledger) Track() {
	l.counted = true
	l.changed = map[string]bool{}
}

// Changed returns the ids whose charges were reserved, settled or released
// since Track, in id order, and whether l is tracked at all: an untracked
// ledger is saved whole.
func (l *Ledger) Changed() ([]string, bool) {
	if l.changed == nil {
		return nil, false
	}
	return slices.Sorted(maps.Keys(l.changed)), true
}

// count makes Spent the total of the charges, once: in id order, so that
// the total does not depend on map order.
func (l *Ledger) count() {
	if l.counted {
		return
	}
	l.Spent = 0
	for _, id := range slices.Sorted(maps.Keys(l.Charges)) {
		l.Spent += l.Charges[id].Amount()
	}
	l.counted = true
}

// change records a new charge for id (ok false removes it) and keeps the
// running total.
func (l *Ledger) change(id string, c Charge, ok bool) {
	l.count()
	if old, had := l.Charges[id]; had {
		l.Spent -= old.Amount()
	}
	if ok {
		if l.Charges == nil {
			l.Charges = map[string]Charge{}
		}
		l.Charges[id] = c
		l.Spent += c.Amount()
	} else {
		delete(l.Charges, id)
	}
	if len(l.Charges) == 0 && !l.Partial {
		l.Spent = 0 // no rounding left over once nothing is charged
	}
	if l.changed != nil {
		l.changed[id] = true
	}
}

// Charge is what one request costs the sprint: its estimate until the time
// actually spent is recorded, which then replaces it. It is a plain value.
type Charge struct {
	Estimate  float64   `json:"estimate"`
	Actual    float64   `json:"actual,omitempty"`
	HasActual bool      `json:"has_actual,omitempty"`
	At        time.Time `json:"at"`                  // when it was first reserved or settled
	SettledAt time.Time `json:"settled_at,omitzero"` // when Actual was last recorded
}

// Amount returns what the charge counts for: the actual if recorded, else the estimate.
func (c Charge) Amount() float64 {
	if c.HasActual {
		return c.Actual
	}
	return c.Estimate
}

// Consumer is one request's share of the budget, as listed by Top. It is a plain value.
type Consumer struct {
	ID     string
	Amount float64
}

// NewLedger returns an empty ledger for team's sprint n with b's total and
// thresholds (DefaultThresholds when b lists none).
func NewLedger(team string, n int, b Budget) *Ledger {
	return &Ledger{Team: team, Sprint: n, Unit: b.Unit, Total: b.Total(), Thresholds: b.thresholds(),
		Charges: map[string]Charge{}, Crossed: []float64{}}
}

// SetBudget applies a changed budget (capacity, fraction or thresholds edited
// mid-sprint) and returns the thresholds newly crossed under it. Thresholds
// already signalled stay signalled.
func (l *Ledger) SetBudget(b Budget) []float64 {
	l.Unit, l.Total, l.Thresholds = b.Unit, b.Total(), b.thresholds()
	return l.cross()
}

// Used returns the budget consumed: the sum over charges of actual or
// estimate, kept as a running total.
func (l *Ledger) Used() float64 {
	l.count()
	return l.Spent
}

// Left returns the budget remaining; it is negative when the sprint is
// overspent, which happens because P1 requests are accepted regardless.
func (l *Ledger) Left() float64 { return l.Total - l.Used() }

// amount turns a caller's figure into a chargeable one: negative, NaN or
// infinite amounts would corrupt every later total, so they count as zero.
func amount(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// Reserve records estimate for request id at time at and returns the
// thresholds newly crossed, ascending. It is idempotent per id: reserving an
// id again replaces its estimate instead of adding to it, so a retried event
// charges once, and keeps any actual already recorded.
func (l *Ledger) Reserve(id string, estimate float64, at time.Time) []float64 {
	c, ok := l.Charges[id]
	if !ok {
		c.At = at
	}
	c.Estimate = amount(estimate)
	l.change(id, c, true)
	return l.cross()
}

// Settle records the time actually spent on request id, which replaces its
// estimate, and returns the thresholds newly crossed, ascending. Settling an
// id that was never reserved charges it too: the time was spent regardless.
func (l *Ledger) Settle(id string, actual float64, at time.Time) []float64 {
	c, ok := l.Charges[id]
	if !ok {
		c.At = at
	}
	c.Actual, c.HasActual, c.SettledAt = amount(actual), true, at
	l.change(id, c, true)
	return l.cross()
}

// Release removes request id's charge, e.g. when it is deferred after being
// accepted. Thresholds already signalled stay signalled.
func (l *Ledger) Release(id string) {
	if _, ok := l.Charges[id]; ok {
		l.change(id, Charge{}, false)
	}
}

// Top returns the n biggest consumers, biggest first and by id among equals
// so the order is deterministic; n <= 0 returns them all. It needs every
// charge: a Partial ledger lists only those it holds.
func (l *Ledger) Top(n int) []Consumer {
	out := make([]Consumer, 0, len(l.Charges))
	for id, c := range l.Charges {
		out = append(out, Consumer{ID: id, Amount: c.Amount()})
	}
	slices.SortFunc(out, func(a, b Consumer) int {
		if c := cmp.Compare(b.Amount, a.Amount); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if n > 0 && n < len(out) {
		out = out[:n]
	}
	return out
}

// cross records and returns the thresholds that usage now reaches and that
// were never signalled. A threshold is reached when usage is positive and at
// least that fraction of Total; a zero budget is thus spent by any charge.
// The tolerance keeps 0.7*10 from missing 7 through rounding.
func (l *Ledger) cross() []float64 {
	used := l.Used()
	if used <= 0 {
		return nil
	}
	tolerance := 1e-9 * math.Max(1, math.Abs(l.Total))
	var crossed []float64
	for _, th := range l.Thresholds {
		if used+tolerance >= th*l.Total && !slices.Contains(l.Crossed, th) {
			crossed = append(crossed, th)
		}
	}
	if len(crossed) > 0 {
		l.Crossed = append(l.Crossed, crossed...)
		slices.Sort(l.Crossed)
		slices.Sort(crossed)
	}
	return crossed
}
