package store

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

func TestInboxAcceptsEachKeyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sg.db")
	db := openAt(t, path, Options{})
	// Slack delivers event Ev0 three times (retries) while 20 others arrive.
	var wg sync.WaitGroup
	var mu sync.Mutex
	dups := 0
	for i := 0; i < 23; i++ {
		key := fmt.Sprintf("Ev%d", max(i-2, 0))
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &triage.Delivery{Kind: "event", Key: key, Body: []byte(`{"event_id":"` + key + `"}`), Received: t0}
			dup, err := db.Accept(d, time.Hour)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if dup {
				dups++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	pending, err := db.Pending(100)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 21 || dups != 2 {
		t.Fatalf("%d pending, %d duplicates; want 21 and 2", len(pending), dups)
	}
	for i := 1; i < len(pending); i++ {
		if pending[i].Seq <= pending[i-1].Seq {
			t.Fatalf("pending out of order at %d", i)
		}
	}
	if err := db.Done(pending[0].Seq); err != nil {
		t.Fatal(err)
	}
	if err := db.Done(pending[0].Seq); err != nil {
		t.Errorf("second Done: %v", err)
	}

	// A crash before processing: the rest are still there after reopening.
	db.Close()
	db = openAt(t, path, Options{})
	again, err := db.Pending(100)
	if err != nil || len(again) != 20 {
		t.Fatalf("after reopening: %d pending, %v; want 20", len(again), err)
	}
	// A retry after the key expired is a new delivery; within the ttl it is not.
	for _, c := range []struct {
		at  time.Time
		dup bool
	}{{t0.Add(59 * time.Minute), true}, {t0.Add(time.Hour), false}} {
		dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "Ev0", Received: c.at}, time.Hour)
		if err != nil || dup != c.dup {
			t.Errorf("Accept at %v: dup=%v %v, want %v", c.at, dup, err, c.dup)
		}
	}
}

// BenchmarkAccept stores deliveries from 50 goroutines with fsync on, as the
// HTTP handlers do before they acknowledge.
func BenchmarkAccept(b *testing.B) {
	db := openTest(b, Options{})
	var n sync.Mutex
	i := 0
	b.SetParallelism(25) // 2 cores x 25 = 50 senders
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Lock()
			i++
			key := fmt.Sprintf("Ev%d", i)
			n.Unlock()
			if _, err := db.Accept(&triage.Delivery{Kind: "event", Key: key, Body: make([]byte, 800), Received: t0}, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}
