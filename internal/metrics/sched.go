package metrics

import (
	"math"
	"runtime/metrics"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sprintguard/sprintguard/store"
)

// schedLatencyName is the runtime's histogram of how long goroutines
// waited in a run queue, ready, before they ran.
const schedLatencyName = "/sched/latencies:seconds"

// schedBounds are the upper bounds, in seconds, that SchedLatencies counts
// in: fine below the 10 ms that an acknowledgement at 500 events/s should
// take at the 99th percentile. The Go collector's own export of the same
// runtime histogram has a bucket per power of ten, which cannot tell 2 ms
// from 9.
var schedBounds = []float64{.00005, .0001, .00025, .0005, .001, .002, .003, .004, .005, .006, .008, .01, .0125, .015, .02, .03, .05, .1, .25, 1}

var schedLatencyDesc = prometheus.NewDesc("sprintguard_go_sched_latency_seconds",
	"How long goroutines waited, ready to run, for a processor (the Go runtime's "+schedLatencyName+"): an acknowledgement's goroutine, readied by the network, waits this long before it reads the request.", nil, nil)

// SchedLatencies returns the Go runtime's scheduling latencies of this
// process since it started as a histogram in seconds (its sum from each
// runtime bucket's lower bound, so a little under the truth). A runtime
// bucket that straddles a bound is counted above it.
func SchedLatencies() store.Histogram {
	h := store.Histogram{Bounds: schedBounds}
	s := []metrics.Sample{{Name: schedLatencyName}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		h.Cumulative = make([]uint64, len(schedBounds))
		return h
	}
	h.Cumulative, h.Count, h.Sum = rebucket(s[0].Value.Float64Histogram(), schedBounds)
	return h
}

// rebucket counts h, a runtime histogram (bucket i holds values from
// Buckets[i] up to Buckets[i+1]), at bounds: cumulative[j] is the count of
// h's buckets that end at or below bounds[j].
func rebucket(h *metrics.Float64Histogram, bounds []float64) (cumulative []uint64, count uint64, sum float64) {
	cumulative = make([]uint64, len(bounds))
	for i, n := range h.Counts {
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		count += n
		if !math.IsInf(lo, 0) {
			sum += lo * float64(n)
		}
		for j := len(bounds) - 1; j >= 0 && hi <= bounds[j]; j-- {
			cumulative[j] += n
		}
	}
	return cumulative, count, sum
}

// schedCollector exports SchedLatencies at each scrape.
type schedCollector struct{}

func (schedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- schedLatencyDesc }

func (schedCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- constHistogram(schedLatencyDesc, SchedLatencies())
}
