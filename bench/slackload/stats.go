package main

import (
	"fmt"
	"slices"
	"time"
)

// latencies summarises one phase's acknowledgement times.
type latencies struct {
	n             int
	p50, p99, max time.Duration
}

// summarize sorts lat in place and picks the percentiles by nearest rank,
// so that p99 is a latency some request actually saw.
func summarize(lat []time.Duration) latencies {
	if len(lat) == 0 {
		return latencies{}
	}
	slices.Sort(lat)
	return latencies{n: len(lat), p50: rank(lat, 50), p99: rank(lat, 99), max: lat[len(lat)-1]}
}

// rank returns the p-th percentile of the sorted lat: the smallest value
// with at least p% of the values at or below it.
func rank(sorted []time.Duration, p int) time.Duration {
	i := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(i-1, 0)]
}

// ms formats d as milliseconds with two decimals.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func (l latencies) String() string {
	return fmt.Sprintf("p50 %s  p99 %s  max %s", ms(l.p50), ms(l.p99), ms(l.max))
}

// perSecond is n events over d as events per second; 0 when d is not
// positive.
func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
