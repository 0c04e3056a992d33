package metrics

import (
	"math"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
)

func TestRebucketCountsEachBucketAtTheBoundsItEndsUnder(t *testing.T) {
	h := &metrics.Float64Histogram{
		// [0, 1ms) 5, [1ms, 2ms) 3, [2ms, 7ms) 2 (straddles 5 ms), [7ms, +Inf) 1
		Buckets: []float64{0, .001, .002, .007, math.Inf(1)},
		Counts:  []uint64{5, 3, 2, 1},
	}
	tests := []struct {
		name   string
		bounds []float64
		want   []uint64
	}{
		{"bounds on the runtime's", []float64{.001, .002, .007}, []uint64{5, 8, 10}},
		{"a straddled bucket counts above", []float64{.001, .005, .01}, []uint64{5, 8, 10}},
		{"finer than the runtime's", []float64{.0005, .001}, []uint64{0, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cumulative, count, sum := rebucket(h, tc.bounds)
			if !slices.Equal(cumulative, tc.want) {
				t.Errorf("cumulative = %v, want %v", cumulative, tc.want)
			}
			if count != 11 {
				t.Errorf("count = %d, want 11", count)
			}
			if want := 3*.001 + 2*.002 + .007; math.Abs(sum-want) > 1e-12 {
				t.Errorf("sum = %v, want %v (each bucket's lower bound)", sum, want)
			}
		})
	}
}

func TestSchedLatenciesCountsThisProcesssWaits(t *testing.T) {
	before := SchedLatencies().Count
	var wg sync.WaitGroup
	for range 1000 {
		wg.Go(func() {})
	}
	wg.Wait()
	h := SchedLatencies()
	bounds, cumulative, after := h.Bounds, h.Cumulative, h.Count
	// The runtime samples the waits it counts, so not each goroutine shows.
	if after <= before {
		t.Errorf("count went from %d to %d after 1000 goroutines ran, want more", before, after)
	}
	if !slices.IsSorted(bounds) || !slices.IsSorted(cumulative) || cumulative[len(cumulative)-1] > after {
		t.Errorf("bounds %v, cumulative %v, count %d: not a cumulative histogram", bounds, cumulative, after)
	}
}
