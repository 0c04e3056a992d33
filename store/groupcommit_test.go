package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// TestAFailingUpdateFailsAloneOnDisk is groupcommit's savepoint-style
// retry over a real bbolt file: Updates queued behind a held commit share
// the next one, the one among them that fails leaves nothing, its peers'
// writes are on disk when their Update returns, and the commit that holds
// them is one of their number less one.
func TestAFailingUpdateFailsAloneOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sg.db")
	hold, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var sizes []int // written on the writer goroutine, read after Close
	db := openAt(t, path, Options{AfterCommit: func(intents, _ int) {
		sizes = append(sizes, intents)
		once.Do(func() { close(hold); <-release })
	}})
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	set := func(name string) func(triage.Tx) error {
		return func(tx triage.Tx) error { return tx.SetLastRun(name, at) }
	}
	go db.Update(set("first")) // its commit holds the writer
	<-hold
	boom := errors.New("boom")
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprint("peer", i)
			if i == 2 {
				errs[i] = db.Update(func(tx triage.Tx) error {
					if err := set(name)(tx); err != nil {
						return err
					}
					return boom
				})
				return
			}
			errs[i] = db.Update(set(name))
		})
	}
	for db.writer.Queued() < n {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if (i == 2) != errors.Is(err, boom) || (i != 2 && err != nil) {
			t.Errorf("peer%d: %v", i, err)
		}
	}
	db.Close()
	db = openAt(t, path, Options{ReadOnly: true})
	err := db.View(func(tx triage.Tx) error {
		for i := range n {
			_, ok, err := tx.LastRun(fmt.Sprint("peer", i))
			if err != nil {
				return err
			}
			if ok != (i != 2) {
				t.Errorf("peer%d stored: %v", i, ok)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != fmt.Sprint([]int{1, n - 1}) {
		t.Errorf("commits of %v updates, want [1 %d]", sizes, n-1)
	}
}
