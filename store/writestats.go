package store

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
	}
}
