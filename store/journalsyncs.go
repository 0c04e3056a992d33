package store

import (
	"sync/atomic"
	"time"
)

// journalSyncBounds are the upper bounds, in seconds, of the buckets that
// JournalSyncs counts the journal's fdatasyncs in: fine below the 10 ms
// that an acknowledgement at 500 events/s should take at the 99th
// percentile, so that the disk's share of it can be read off.
var journalSyncBounds = []float64{.00025, .0005, .001, .002, .003, .004, .005, .006, .008, .01, .0125, .015, .02, .03, .05, .1, .25, 1}

// syncTimes counts fdatasyncs by duration; safe for concurrent use.
type syncTimes struct {
	counts [19]atomic.Uint64 // one per bound, then the rest
	sumNs  atomic.Int64
}

func (s *syncTimes) observe(took time.Duration) {
	sec := took.Seconds()
	i := 0
	for i < len(journalSyncBounds) && sec > journalSyncBounds[i] {
		i++
	}
	s.counts[i].Add(1)
	s.sumNs.Add(int64(took))
}

// JournalSyncs returns how long the acknowledgement journal's fdatasyncs
// took since Open, as a histogram: the buckets' upper bounds in seconds,
// the cumulative count at each, the count and the sum of all of them in
// seconds. Each batch of acknowledgements waits for one; what an
// acknowledgement takes beyond it is queueing and the HTTP exchange. A
// read-only store has none.
func (db *DB) JournalSyncs() (bounds []float64, cumulative []uint64, count uint64, sum float64) {
	cumulative = make([]uint64, len(journalSyncBounds))
	for i := range journalSyncBounds {
		count += db.syncs.counts[i].Load()
		cumulative[i] = count
	}
	count += db.syncs.counts[len(journalSyncBounds)].Load()
	return journalSyncBounds, cumulative, count, time.Duration(db.syncs.sumNs.Load()).Seconds()
}
