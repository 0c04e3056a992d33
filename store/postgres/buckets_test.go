package postgres

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/pgtest"
)

// TestTakeSharedAcrossReplicas has two replicas reserve tokens of one
// bucket from several goroutines each: the instants the reservations let
// callers go never exceed the bucket's rate in any window, and they pace
// (a bucket that handed out everything at once would fail the span).
func TestTakeSharedAcrossReplicas(t *testing.T) {
	url := pgtest.Schema(t)
	const (
		rate  = 50.0
		burst = 5
		each  = 25
	)
	replicas := []*DB{replica(t, url), replica(t, url)}
	var (
		mu  sync.Mutex
		gos []time.Time
		wg  sync.WaitGroup
	)
	for _, db := range replicas {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					wait, ok, err := db.Take(context.Background(), "slack:chat.postMessage", rate, burst, time.Minute)
					if err != nil || !ok {
						t.Errorf("take: %v %v", ok, err)
						return
					}
					at := time.Now().Add(wait)
					mu.Lock()
					gos = append(gos, at)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	n := len(gos)
	if n != 2*4*each {
		t.Fatalf("%d reservations, want %d", n, 2*4*each)
	}
	slices.SortFunc(gos, func(a, b time.Time) int { return a.Compare(b) })
	// Reservations are stamped after their query returns, so one may look
	// up to a query's latency late: allow two tokens of slack per window.
	const window = time.Second
	allowed := burst + int(rate*window.Seconds()) + 2
	for i := range gos {
		j, _ := slices.BinarySearchFunc(gos, gos[i].Add(window), func(a, b time.Time) int { return a.Compare(b) })
		if got := j - i; got > allowed {
			t.Fatalf("%d calls allowed in the second from %v, want at most %d", got, gos[i].Sub(gos[0]), allowed)
		}
	}
	if span, least := gos[n-1].Sub(gos[0]), time.Duration(float64(n-burst-2)/rate*float64(time.Second)); span < least {
		t.Fatalf("%d calls spread over %v, want at least %v", n, span, least)
	}
}

// TestTakeRefusesPastMax checks that a reservation that would wait past
// max takes nothing: the bucket's next caller waits as if it was not made.
func TestTakeRefusesPastMax(t *testing.T) {
	db := replica(t, pgtest.Schema(t))
	ctx := context.Background()
	const rate = 0.01 // a token every 100 s: nothing refills during the test
	if wait, ok, err := db.Take(ctx, "b", rate, 1, 0); err != nil || !ok || wait != 0 {
		t.Fatalf("first take: %v %v %v, want a token now", wait, ok, err)
	}
	for range 3 {
		wait, ok, err := db.Take(ctx, "b", rate, 1, time.Second)
		if err != nil || ok || wait < 90*time.Second || wait > 100*time.Second {
			t.Fatalf("take past max: %v %v %v, want refused with a wait of about 100s", wait, ok, err)
		}
	}
	wait, ok, err := db.Take(ctx, "b", rate, 1, time.Hour)
	if err != nil || !ok || wait > 100*time.Second {
		t.Fatalf("take within max: %v %v %v, want one slot (100s) ahead, not four", wait, ok, err)
	}
	if _, _, err := db.Take(ctx, "b", 0, 1, time.Hour); err == nil {
		t.Fatal("a zero rate is accepted")
	}
}
