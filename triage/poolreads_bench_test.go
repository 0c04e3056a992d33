package triage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// readCounter is a store that counts the jobs its transactions' DueJobs
// return, and the calls. It is safe for concurrent use.
type readCounter struct {
	triage.Store
	calls, jobs atomic.Int64
	wide        atomic.Int64 // jobs read by calls past 4 × Workers
	first       int          // 4 × Workers
}

type readCountTx struct {
	triage.Tx
	c *readCounter
}

func (s *readCounter) View(fn func(triage.Tx) error) error {
	return s.Store.View(func(tx triage.Tx) error { return fn(readCountTx{tx, s}) })
}

func (s *readCounter) Update(fn func(triage.Tx) error) error {
	return s.Store.Update(func(tx triage.Tx) error { return fn(readCountTx{tx, s}) })
}

func (tx readCountTx) DueJobs(now time.Time, limit int) ([]*triage.Job, error) {
	js, err := tx.Tx.DueJobs(now, limit)
	tx.c.calls.Add(1)
	tx.c.jobs.Add(int64(len(js)))
	if limit > tx.c.first {
		tx.c.wide.Add(int64(len(js)))
	}
	return js, err
}

// burstJobs queues a burst shaped like slackload's: requests of 2 to 4
// jobs each, all due now, most of one team's ("data") and, with two
// teams, every tenth request the other's.
func burstJobs(tb testing.TB, db triage.Store, at time.Time, requests, teams int) int {
	tb.Helper()
	n := 0
	if err := db.Update(func(tx triage.Tx) error {
		for r := range requests {
			team := "data"
			if teams > 1 && r%10 == 9 {
				team = "platform"
			}
			for k := range 2 + r%3 {
				j := &triage.Job{Kind: jobCall, Key: fmt.Sprintf("r%d-%d", r, k), Team: team,
					RequestID: int64(r + 1), CreatedAt: at, NextAt: at}
				if _, err := tx.Enqueue(j); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return n
}

// drainCounted runs a pool of workers over a burst until every job has
// run, and returns the jobs its rounds read and the jobs run. Each
// handler waits a moment, as a Web API call does, so that jobs overlap.
func drainCounted(tb testing.TB, requests, teams, workers int, call time.Duration) (read, calls, wide, ran int64) {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	total := burstJobs(tb, db, at, requests, teams)
	c := &readCounter{Store: db, first: 4 * workers}
	var done atomic.Int64
	finished := make(chan struct{})
	var once sync.Once
	w := &triage.Worker{Store: c, Now: func() time.Time { return at }, Workers: workers,
		Handlers: map[string]triage.Handler{jobCall: func(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
			if call > 0 {
				time.Sleep(call)
			}
			if done.Add(1) == int64(total) {
				once.Do(func() { close(finished) })
			}
			return nil, nil
		}}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		w.Run(ctx, time.Second)
	}()
	select {
	case <-finished:
	case <-time.After(2 * time.Minute):
		tb.Fatalf("%d of %d jobs ran", done.Load(), total)
	}
	cancel()
	<-stopped
	return c.jobs.Load(), c.calls.Load(), c.wide.Load(), done.Load()
}

// BenchmarkPoolReads counts what Run's rounds read from the outbox per job
// run over a burst of requests: the jobs DueJobs returned (each one
// decoded by the store), which the machine's load does not change much,
// unlike the time. Run polls every second, as serve's does; nothing
// kicks it, as after a burst has been taken in.
func BenchmarkPoolReads(b *testing.B) {
	for _, workers := range []int{32, triage.DefaultWorkers} {
		for _, teams := range []int{1, 2} {
			b.Run(fmt.Sprintf("workers=%d/teams=%d", workers, teams), func(b *testing.B) {
				var read, calls, wide, ran int64
				for range b.N {
					r, c, w, n := drainCounted(b, 2000, teams, workers, 500*time.Microsecond)
					read, calls, wide, ran = read+r, calls+c, wide+w, ran+n
				}
				b.ReportMetric(float64(read)/float64(ran), "read/job")
				b.ReportMetric(float64(calls)/float64(ran), "calls/job")
				b.ReportMetric(float64(wide)/float64(ran), "wide-read/job")
			})
		}
	}
}
