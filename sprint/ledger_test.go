package sprint_test

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
)

// step is one operation on a ledger and what it must report.
type step struct {
	op      string // reserve, settle, release or budget
	id      string
	amount  float64 // estimate, actual, or the new capacity for "budget"
	crossed []float64
	used    float64
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func apply(l *sprint.Ledger, s step, at time.Time, b sprint.Budget) []float64 {
	switch s.op {
	case "reserve":
		return l.Reserve(s.id, s.amount, at)
	case "settle":
		return l.Settle(s.id, s.amount, at)
	case "release":
		l.Release(s.id)
		return nil
	case "budget":
		b.Capacity = s.amount
		return l.SetBudget(b)
	}
	panic("unknown op " + s.op)
}

func TestLedger(t *testing.T) {
	ten := sprint.Budget{Capacity: 50, Fraction: 0.2, Unit: "points"} // total 10, default thresholds
	tests := []struct {
		name   string
		budget sprint.Budget
		steps  []step
	}{
		{"reserve, settle, release", ten, []step{
			{"reserve", "a", 3, nil, 3},
			{"reserve", "b", 2, []float64{0.5}, 5},
			{"settle", "a", 1, nil, 3},
			{"release", "b", 0, nil, 1},
			{"reserve", "c", 7, []float64{0.8}, 8},
		}},
		{"one charge crosses several thresholds", ten, []step{
			{"reserve", "a", 1, nil, 1},
			{"reserve", "b", 9, []float64{0.5, 0.8, 1}, 10},
		}},
		{"reserve is idempotent per id", ten, []step{
			{"reserve", "a", 3, nil, 3},
			{"reserve", "a", 3, nil, 3},
			{"reserve", "a", 4, nil, 4},
			{"reserve", "a", 2, nil, 2},
		}},
		{"a threshold is signalled once", ten, []step{
			{"reserve", "a", 6, []float64{0.5}, 6},
			{"release", "a", 0, nil, 0},
			{"reserve", "b", 6, nil, 6},
			{"reserve", "c", 2, []float64{0.8}, 8},
			{"settle", "c", 0, nil, 6},
			{"settle", "c", 2, nil, 8},
		}},
		{"actual above the estimate crosses", ten, []step{
			{"reserve", "a", 2, nil, 2},
			{"settle", "a", 9, []float64{0.5, 0.8}, 9},
		}},
		{"settle without reserve still charges", ten, []step{
			{"settle", "a", 5, []float64{0.5}, 5},
		}},
		{"reserve after settle keeps the actual", ten, []step{
			{"settle", "a", 5, []float64{0.5}, 5},
			{"reserve", "a", 1, nil, 5},
		}},
		{"overspend", ten, []step{
			{"reserve", "p1", 25, []float64{0.5, 0.8, 1}, 25},
		}},
		{"bad amounts count as zero", ten, []step{
			{"reserve", "a", -3, nil, 0},
			{"reserve", "b", math.NaN(), nil, 0},
			{"settle", "c", math.Inf(1), nil, 0},
			{"reserve", "d", 5, []float64{0.5}, 5},
		}},
		{"zero budget is spent by any charge", sprint.Budget{Capacity: 40}, []step{
			{"reserve", "a", 0, nil, 0},
			{"reserve", "b", 0.5, []float64{0.5, 0.8, 1}, 0.5},
		}},
		{"rounding does not hide the threshold", sprint.Budget{Capacity: 3, Fraction: 0.1, Thresholds: []float64{1}}, []step{
			{"reserve", "a", 0.1, nil, 0.1},
			{"reserve", "b", 0.2, []float64{1}, 0.3},
		}},
		{"budget cut mid-sprint", ten, []step{
			{"reserve", "a", 4, nil, 4},
			{"budget", "", 25, []float64{0.5, 0.8}, 4},
			{"budget", "", 50, nil, 4},
			{"reserve", "b", 2, nil, 6},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sprint.NewLedger("platform", 3, tt.budget)
			for i, s := range tt.steps {
				got := apply(l, s, t0.Add(time.Duration(i)*time.Hour), tt.budget)
				if !slices.Equal(got, s.crossed) {
					t.Errorf("step %d %s %s %v crossed %v, want %v", i, s.op, s.id, s.amount, got, s.crossed)
				}
				if used := l.Used(); math.Abs(used-s.used) > 1e-9 {
					t.Errorf("step %d %s %s %v: Used() = %v, want %v", i, s.op, s.id, s.amount, used, s.used)
				}
				if left := l.Left(); math.Abs(left-(l.Total-s.used)) > 1e-9 {
					t.Errorf("step %d: Left() = %v, want %v", i, left, l.Total-s.used)
				}
			}
		})
	}
}

func TestNewLedger(t *testing.T) {
	custom := []float64{0.25, 0.75}
	tests := []struct {
		name       string
		b          sprint.Budget
		total      float64
		thresholds []float64
	}{
		{"defaults", sprint.Budget{Capacity: 40, Fraction: 0.2, Unit: "points"}, 8, []float64{0.5, 0.8, 1}},
		{"custom", sprint.Budget{Capacity: 80, Fraction: 0.25, Unit: "hours", Thresholds: custom}, 20, custom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sprint.NewLedger("platform", 7, tt.b)
			if l.Team != "platform" || l.Sprint != 7 || l.Total != tt.total || l.Unit != tt.b.Unit ||
				!slices.Equal(l.Thresholds, tt.thresholds) || l.Used() != 0 || len(l.Crossed) != 0 {
				t.Errorf("NewLedger = %+v", l)
			}
			l.Thresholds[0] = 0.01
			if tt.b.Thresholds != nil && tt.b.Thresholds[0] == 0.01 {
				t.Error("the ledger shares the budget's thresholds slice")
			}
		})
	}
}

func TestLedgerTop(t *testing.T) {
	l := sprint.NewLedger("platform", 0, sprint.Budget{Capacity: 100, Fraction: 1})
	l.Reserve("REQ-3", 2, t0)
	l.Reserve("REQ-1", 5, t0)
	l.Reserve("REQ-2", 5, t0)
	l.Reserve("REQ-4", 8, t0)
	l.Settle("REQ-4", 1, t0)
	l.Reserve("REQ-5", 3, t0)
	all := []sprint.Consumer{{ID: "REQ-1", Amount: 5}, {ID: "REQ-2", Amount: 5}, {ID: "REQ-5", Amount: 3}, {ID: "REQ-3", Amount: 2}, {ID: "REQ-4", Amount: 1}}
	tests := []struct {
		n    int
		want []sprint.Consumer
	}{
		{2, all[:2]},
		{3, all[:3]},
		{5, all},
		{10, all},
		{0, all},
		{-1, all},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			if got := l.Top(tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("Top(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
}

// TestLedgerPersisted checks that a ledger survives a JSON round trip through
// the store, including what was already signalled, and that a zero Ledger works.
func TestLedgerPersisted(t *testing.T) {
	l := sprint.NewLedger("platform", 4, sprint.Budget{Capacity: 50, Fraction: 0.2, Unit: "points"})
	l.Reserve("a", 6, t0)
	l.Settle("a", 5.5, t0.Add(time.Hour))
	raw, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back sprint.Ledger
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	c := back.Charges["a"]
	if back.Team != "platform" || back.Sprint != 4 || back.Total != 10 || back.Used() != 5.5 ||
		!slices.Equal(back.Crossed, []float64{0.5}) || !c.At.Equal(t0) || !c.SettledAt.Equal(t0.Add(time.Hour)) || c.Estimate != 6 {
		t.Fatalf("round trip gave %+v from %s", back, raw)
	}
	if got := back.Reserve("b", 0.5, t0); got != nil {
		t.Errorf("after the round trip, Reserve re-signalled %v", got)
	}
	if got := back.Reserve("c", 2.5, t0); !slices.Equal(got, []float64{0.8}) {
		t.Errorf("after the round trip, Reserve signalled %v, want [0.8]", got)
	}

	var zero sprint.Ledger
	if got := zero.Reserve("a", 1, t0); got != nil || zero.Used() != 1 {
		t.Errorf("zero Ledger: Reserve = %v, Used = %v", got, zero.Used())
	}
}

// The running total follows every change, so that Used never sums the
// charges; a tracked ledger knows which charges changed, for the store.
func TestLedgerRunningTotal(t *testing.T) {
	at := time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)
	sum := func(l *sprint.Ledger) float64 {
		s := 0.0
		for _, c := range l.Charges {
			s += c.Amount()
		}
		return s
	}
	l := &sprint.Ledger{Team: "platform", Total: 20, Charges: map[string]sprint.Charge{"1": {Estimate: 3}, "2": {Estimate: 1.5}}}
	if l.Used() != 4.5 {
		t.Fatalf("a ledger built with charges: used %g, want 4.5", l.Used())
	}
	l.Track()
	for _, step := range []struct {
		name string
		do   func()
		want float64
	}{
		{"reserve a new one", func() { l.Reserve("3", 2, at) }, 6.5},
		{"reserve again replaces", func() { l.Reserve("3", 4, at) }, 8.5},
		{"settle", func() { l.Settle("1", 0.5, at) }, 6},
		{"release", func() { l.Release("2") }, 4.5},
		{"release an unknown id", func() { l.Release("9") }, 4.5},
	} {
		t.Run(step.name, func(t *testing.T) {
			step.do()
			if l.Used() != step.want || sum(l) != step.want {
				t.Errorf("used %g (sum of charges %g), want %g", l.Used(), sum(l), step.want)
			}
		})
	}
	if ids, tracked := l.Changed(); !tracked || !slices.Equal(ids, []string{"1", "2", "3"}) {
		t.Errorf("changed %v (tracked %v), want [1 2 3]", ids, tracked)
	}
	if _, tracked := sprint.NewLedger("platform", 1, sprint.Budget{Capacity: 10, Fraction: 1}).Changed(); tracked {
		t.Error("a new ledger is tracked: the store would save only part of it")
	}
}
