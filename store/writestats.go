package store

import "time"

// WriteStats is what a DB has written to its file since Open: the
// figures that tell what a request costs in pages, which bbolt writes
// whole, however few of their bytes changed.
type WriteStats struct {
	// Commits is how many transactions the store's writer committed.
	Commits int64
	// Pages is how many pages the write transactions dirtied and wrote
	// (a value larger than a page counts all of its pages).
	Pages int64
	// Bytes is the size of those pages plus the meta page each of the
	// writer's commits writes.
	Bytes int64
	// Write is the time the commits spent writing their pages and the
	// meta page, with both of bbolt's fdatasyncs.
	Write time.Duration
}

// WriteStats returns what the store has written so far; the figures of a
// transaction still open are not in it yet. It is safe for concurrent use.
func (db *DB) WriteStats() WriteStats {
	s := db.bolt.Stats().TxStats
	commits := db.commits.Load()
	return WriteStats{
		Commits: commits,
		Pages:   s.GetPageCount(),
		Bytes:   s.GetPageAlloc() + commits*int64(db.bolt.Info().PageSize),
		Write:   s.GetWriteTime(),
	}
}

// batchTookBounds are the upper bounds, in seconds, of the buckets that
// WriterBatches counts the writer's batches in, by the time it spent on
// each: a commit's two fdatasyncs take a millisecond or more, a batch of
// hundreds of intakes tens.
var batchTookBounds = []float64{.0005, .001, .002, .003, .005, .0075, .01, .015, .02, .03, .05, .075, .1, .25, 1}

// batchIntentsBounds are the upper bounds of the buckets that
// WriterBatches counts the writer's batches in, by the transactions each
// held; groupcommit takes at most 256.
var batchIntentsBounds = []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}

func (db *DB) observeBatch(intents int, took time.Duration) {
	db.batchTook.observeTime(took)
	db.batchIntents.observe(int64(intents))
}

// WriterBatches returns, as histograms (the buckets' upper bounds, the
// cumulative count at each, the count and the sum), the time the store's
// writer spent on each batch of transactions since Open, in seconds, its
// runs, commit and fdatasyncs included, and how many transactions each
// held. Every write waits for the one writer, so the time's sum over a
// stretch of wall time is how close writing is to its limit.
func (db *DB) WriterBatches() (took, intents Histogram) {
	return db.batchTook.snapshot(), db.batchIntents.snapshot()
}
