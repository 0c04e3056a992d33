package store

import (
	"errors"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

func TestWriterBatchesCountEachBatchAndItsTransactions(t *testing.T) {
	db := openTest(t, Options{})
	took0, intents0 := db.WriterBatches()
	before := db.WriteStats()
	boom := errors.New("boom")
	for i := range 3 {
		err := db.Update(func(tx triage.Tx) error {
			if _, err := tx.NextRequestID(); err != nil {
				return err
			}
			if i == 1 {
				return boom
			}
			return nil
		})
		if i == 1 && !errors.Is(err, boom) || i != 1 && err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	took, intents := db.WriterBatches()
	after := db.WriteStats()
	// One Update at a time: a batch each, the failed one included, and a
	// commit for each of the other two. The last batch committed, so it
	// was observed before its Update returned (and the writer, one
	// goroutine, observed those before it).
	if n := took.Count - took0.Count; n != 3 {
		t.Errorf("%d batches timed, want 3", n)
	}
	if n, s := intents.Count-intents0.Count, intents.Sum-intents0.Sum; n != 3 || s != 3 {
		t.Errorf("%d batches of %v transactions in all, want 3 of 3", n, s)
	}
	if took.Sum <= took0.Sum {
		t.Errorf("the batches took %v s in all, want the time they took", took.Sum-took0.Sum)
	}
	if c := after.Commits - before.Commits; c != 2 {
		t.Errorf("%d commits, want 2", c)
	}
	if after.Write <= before.Write {
		t.Errorf("write time %v after %v, want the commits' writes counted", after.Write, before.Write)
	}
	if ones := intents.Cumulative[0] - intents0.Cumulative[0]; ones != 3 {
		t.Errorf("%d batches of one transaction, want 3", ones)
	}
}
