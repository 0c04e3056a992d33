package store

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

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
