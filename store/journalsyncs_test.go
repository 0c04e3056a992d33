package store

import (
	"fmt"
	"testing"
	"time"
)

func TestJournalSyncsCountsEachBatchsFdatasync(t *testing.T) {
	db := openTest(t, Options{})
	for i := range 3 {
		if _, err := db.Accept(delivery(fmt.Sprintf("EvSync%d", i)), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	h := db.JournalSyncs()
	bounds, cumulative, count, sum := h.Bounds, h.Cumulative, h.Count, h.Sum
	// One Accept at a time: a batch, and an fdatasync, each.
	if count != 3 {
		t.Errorf("count %d, want 3", count)
	}
	if sum <= 0 {
		t.Errorf("sum %v, want the time the fdatasyncs took", sum)
	}
	if len(cumulative) != len(bounds) {
		t.Fatalf("%d counts for %d bounds", len(cumulative), len(bounds))
	}
	for i := 1; i < len(bounds); i++ {
		if bounds[i] <= bounds[i-1] || cumulative[i] < cumulative[i-1] {
			t.Errorf("bucket %d: bound %v after %v, count %d after %d", i, bounds[i], bounds[i-1], cumulative[i], cumulative[i-1])
		}
	}
	if last := cumulative[len(cumulative)-1]; last > count {
		t.Errorf("the last bucket holds %d of %d", last, count)
	}

	fresh := &DB{syncs: newHistogram(journalSyncBounds, 1e-9)}
	fresh.syncs.observeTime(2 * time.Second) // past every bound
	fresh.syncs.observeTime(700 * time.Microsecond)
	h = fresh.JournalSyncs()
	cumulative, count = h.Cumulative, h.Count
	if count != 2 || cumulative[len(cumulative)-1] != 1 || cumulative[2] != 1 || cumulative[1] != 0 {
		t.Errorf("after 0.7 ms and 2 s: count %d, cumulative %v", count, cumulative)
	}
}
