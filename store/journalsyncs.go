package store

// journalSyncBounds are the upper bounds, in seconds, of the buckets that
// JournalSyncs counts the journal's fdatasyncs in: fine below the 10 ms
// that an acknowledgement at 500 events/s should take at the 99th
// percentile, so that the disk's share of it can be read off.
var journalSyncBounds = []float64{.00025, .0005, .001, .002, .003, .004, .005, .006, .008, .01, .0125, .015, .02, .03, .05, .1, .25, 1}

// JournalSyncs returns how long the acknowledgement journal's fdatasyncs
// took since Open, as a histogram in seconds. Each batch of acknowledgements waits for one; what an
// acknowledgement takes beyond it is queueing and the HTTP exchange. A
// read-only store has none.
func (db *DB) JournalSyncs() Histogram { return db.syncs.snapshot() }
