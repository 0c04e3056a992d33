package storetest

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Acceptor is the part of a store that takes Slack deliveries.
type Acceptor interface {
	Accept(d *triage.Delivery, ttl time.Duration) (dup bool, err error)
}

// BenchmarkAccept stores 800-byte deliveries from 50 goroutines, as the
// HTTP handlers do before they acknowledge, so that each driver's durable
// ack rate is measured the same way.
func BenchmarkAccept(b *testing.B, s Acceptor) {
	var n atomic.Int64
	b.SetParallelism(25) // 2 cores x 25 = 50 senders
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := "Ev" + strconv.FormatInt(n.Add(1), 10)
			if _, err := s.Accept(&triage.Delivery{Kind: "event", Key: key, Body: make([]byte, 800), Received: T0}, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}
