package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// BenchmarkDueJobs reads the outbox's head as the pool's round does: the
// first 128 due jobs of 2,000 queued, each with a notice-sized payload,
// every one decoded before (as they are while a burst drains).
func BenchmarkDueJobs(b *testing.B) {
	db := openTest(b, Options{NoSync: true})
	payload := []byte(`{"kind":"ticketed","text":"` + strings.Repeat("x", 600) + `"}`)
	err := db.Update(func(tx triage.Tx) error {
		for i := range 2000 {
			j := &triage.Job{Kind: triage.JobNotify, Key: fmt.Sprintf("notify:ticketed:%d", i), RequestID: int64(i + 1),
				Team: benchTeams[i%len(benchTeams)], CreatedAt: t0, NextAt: t0, Payload: payload}
			if _, err := tx.Enqueue(j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	read := func() {
		if err := db.View(func(tx triage.Tx) error {
			jobs, err := tx.DueJobs(t0, 128)
			if err == nil && len(jobs) != 128 {
				err = fmt.Errorf("%d due jobs, want 128", len(jobs))
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	read()
	b.ReportAllocs()
	for b.Loop() {
		read()
	}
}

// BenchmarkSimilarHits reads the similar-request lookup's hits, cached
// requests with posts and a similar list kept beside them, whole
// (Request, as the lookup did) and as similar requests (SimilarRequest).
func BenchmarkSimilarHits(b *testing.B) {
	db := openTest(b, Options{NoSync: true})
	const n = 1000
	err := db.Update(func(tx triage.Tx) error {
		for id := int64(1); id <= n; id++ {
			r := realisticRequest(id, "platform", t0)
			if err := tx.PutRequest(r); err != nil {
				return err
			}
			if err := tx.AddPosts(id, triage.Post{Kind: triage.PostOnCall, Channel: "D0ONCALL", TS: "1795532400.000100"}); err != nil {
				return err
			}
			if err := tx.PutSimilar(id, []triage.Similar{triage.SimilarOf(r), triage.SimilarOf(r), triage.SimilarOf(r)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	reads := map[string]func(t *tx, id int64) error{
		"Request": func(t *tx, id int64) error {
			r, err := t.Request(id)
			if err == nil {
				_ = triage.SimilarOf(r)
			}
			return err
		},
		"SimilarRequest": func(t *tx, id int64) error {
			_, err := t.SimilarRequest(id)
			return err
		},
	}
	for _, name := range []string{"Request", "SimilarRequest"} {
		b.Run(name, func(b *testing.B) {
			read := reads[name]
			b.ReportAllocs()
			id := int64(0)
			for b.Loop() {
				id = id%n + 1
				if err := db.View(func(v triage.Tx) error { return read(v.(*tx), id) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOutboxReads reads one request as its outbox jobs do while a
// burst drains, with the intake further ahead than the cache holds: the
// text by a later request's lookup (which indexes it), by its own lookup
// and by SetSimilar, then the whole request by its ticketed notice. Each
// op is the next request of 16,384, so none is still cached from its
// intake or from the op before.
func BenchmarkOutboxReads(b *testing.B) {
	db := openTest(b, Options{NoSync: true})
	const n = 16384
	err := db.Update(func(tx triage.Tx) error {
		for id := int64(1); id <= n; id++ {
			if err := tx.PutRequest(realisticRequest(id, "platform", t0)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	text := func(v triage.Tx, id int64) error {
		_, err := triage.RequestText(v, id)
		return err
	}
	whole := func(v triage.Tx, id int64) error {
		_, err := v.Request(id)
		return err
	}
	b.ReportAllocs()
	id := int64(0)
	for b.Loop() {
		id = id%n + 1
		for _, read := range []func(triage.Tx, int64) error{text, text, text, whole} {
			if err := db.View(func(v triage.Tx) error { return read(v, id) }); err != nil {
				b.Fatal(err)
			}
		}
	}
}
