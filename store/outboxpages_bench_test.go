package store

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// BenchmarkOutboxPages measures the pages the outbox's writes dirty while
// a backlog drains, with the grouping held fixed (serve's group commit
// varies it with the load): each op is one commit of what a busy writer
// batches, 32 jobs' completions, picked at random among the 128 running,
// the leases of the next 32 queued and 32 enqueues at the tail, over a
// queue of 8,192 jobs whose payloads are the size of a notice's. It
// reports pages per commit and per job run.
//
//	go test ./store -run '^$' -bench OutboxPages -benchtime 400x -count 3
func BenchmarkOutboxPages(b *testing.B) {
	const queued, running, batch = 8192, 128, 32
	db := openTest(b, Options{NoSync: true})
	payload := []byte(`{"kind":"ticketed","request_id":123456,"team":"platform","actor":"U0ABCDEF12","text":"` +
		strings.Repeat("deploy blocked on staging ", 8) + `","at":"2026-03-02T09:00:00Z"}`)
	n := 0
	enqueue := func(tx triage.Tx, k int) ([]*triage.Job, error) {
		var out []*triage.Job
		for range k {
			n++
			j := &triage.Job{Kind: triage.JobNotify, Key: fmt.Sprintf("notify:ticketed:%d:1", n), RequestID: int64(n),
				Team: benchTeams[n%len(benchTeams)], Payload: payload, CreatedAt: t0, NextAt: t0}
			if _, err := tx.Enqueue(j); err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, nil
	}
	var queue, run []*triage.Job
	if err := db.Update(func(tx triage.Tx) error {
		var err error
		queue, err = enqueue(tx, queued)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	lease := func(tx triage.Tx, k int) error {
		for _, j := range queue[:k] {
			j.Leased = true
			if err := tx.PutJob(j); err != nil {
				return err
			}
		}
		run = append(run, queue[:k]...)
		queue = queue[k:]
		return nil
	}
	if err := db.Update(func(tx triage.Tx) error { return lease(tx, running) }); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	before := db.WriteStats()
	for b.Loop() {
		err := db.Update(func(tx triage.Tx) error {
			for range batch {
				i := rng.IntN(len(run))
				if err := tx.CompleteJob(run[i]); err != nil {
					return err
				}
				run[i] = run[len(run)-1]
				run = run[:len(run)-1]
			}
			if err := lease(tx, batch); err != nil {
				return err
			}
			more, err := enqueue(tx, batch)
			queue = append(queue, more...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	after := db.WriteStats()
	commits := float64(after.Commits - before.Commits)
	b.ReportMetric(float64(after.Pages-before.Pages)/commits, "pages/commit")
	b.ReportMetric(float64(after.Pages-before.Pages)/commits/batch, "pages/job")
}
