package store

import (
	"sync/atomic"
	"time"
)

// histogram counts observations in buckets by their upper bounds, as a
// Prometheus histogram does; safe for concurrent use.
type histogram struct {
	bounds []float64
	unit   float64         // one of an observation's units in the bounds' (1e-9: nanoseconds counted, seconds shown)
	counts []atomic.Uint64 // one per bound, then the rest
	sum    atomic.Int64    // in units
}

func newHistogram(bounds []float64, unit float64) *histogram {
	return &histogram{bounds: bounds, unit: unit, counts: make([]atomic.Uint64, len(bounds)+1)}
}

func (h *histogram) observe(v int64) {
	x := float64(v) * h.unit
	i := 0
	for i < len(h.bounds) && x > h.bounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(v)
}

func (h *histogram) observeTime(took time.Duration) { h.observe(int64(took)) }

// Histogram is a cumulative histogram as Prometheus shows one: its
// buckets' upper bounds, the count of observations at or under each, and
// the count and sum of them all, in the bounds' unit.
type Histogram struct {
	Bounds     []float64
	Cumulative []uint64
	Count      uint64
	Sum        float64
}

func (h *histogram) snapshot() Histogram {
	s := Histogram{Bounds: h.bounds, Cumulative: make([]uint64, len(h.bounds))}
	for i := range h.bounds {
		s.Count += h.counts[i].Load()
		s.Cumulative[i] = s.Count
	}
	s.Count += h.counts[len(h.bounds)].Load()
	s.Sum = float64(h.sum.Load()) * h.unit
	return s
}
