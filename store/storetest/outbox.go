package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

func testEnqueueDedupe(t *testing.T, d Driver) {
	clk := NewClock(T0)
	db := open(t, d, Options{Now: clk.Now, DedupeTTL: 24 * time.Hour})
	first := Job("notify:1", T0)
	buried := Job("notify:2", T0)
	Enqueue(t, db, first)
	Enqueue(t, db, buried)
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.BuryJob(buried) })

	steps := []struct {
		name string
		do   func()
		key  string
		want bool
	}{
		{"queued key is ignored", func() {}, "notify:1", false},
		{"completed key is ignored", func() {
			MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(first) })
		}, "notify:1", false},
		{"completed key just before the TTL is ignored", func() { clk.Set(T0.Add(24*time.Hour - time.Nanosecond)) }, "notify:1", false},
		{"completed key after the TTL is added", func() { clk.Set(T0.Add(24 * time.Hour)) }, "notify:1", true},
		{"buried key is ignored", func() {}, "notify:2", false},
		{"new key is added", func() {}, "notify:3", true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do()
			j := Job(s.key, T0)
			if got := Enqueue(t, db, j); got != s.want {
				t.Errorf("Enqueue(%s) = %v, want %v", s.key, got, s.want)
			}
			if s.want && j.ID == 0 {
				t.Error("an added job has no ID")
			}
		})
	}
	if q, err := queuedJobs(t, db); err != nil || q != 2 {
		t.Errorf("queued = %d, %v; want 2 (notify:1 again and notify:3)", q, err)
	}
	err := db.Update(func(tx triage.Tx) error {
		_, err := tx.Enqueue(&triage.Job{Kind: "x"})
		return err
	})
	if err == nil {
		t.Error("Enqueue accepted a job without a key")
	}
}

func testDueJobs(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	// Enqueued out of NextAt order; c and d share NextAt, so sequence decides.
	for _, j := range []*triage.Job{
		Job("late", T0.Add(time.Hour)),
		Job("c", T0.Add(time.Minute)),
		Job("d", T0.Add(time.Minute)),
		Job("a", T0.Add(-time.Hour)),
		Job("b", T0),
	} {
		Enqueue(t, db, j)
	}
	for _, tc := range []struct {
		name  string
		now   time.Time
		limit int
		want  []string
	}{
		{"before anything", T0.Add(-2 * time.Hour), 10, nil},
		{"NextAt equal to now is due", T0, 10, []string{"a", "b"}},
		{"ties by sequence", T0.Add(time.Minute), 10, []string{"a", "b", "c", "d"}},
		{"limit", T0.Add(2 * time.Hour), 3, []string{"a", "b", "c"}},
		{"no limit", T0.Add(2 * time.Hour), 0, []string{"a", "b", "c", "d", "late"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DueKeys(t, db, tc.now, tc.limit); !slices.Equal(got, tc.want) {
				t.Errorf("DueJobs(%v, %d) = %v, want %v", tc.now, tc.limit, got, tc.want)
			}
		})
	}
}

func testPutJobMovesNextAt(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	j := Job("retry-me", T0)
	Enqueue(t, db, j)
	var got *triage.Job
	_ = db.View(func(tx triage.Tx) error {
		jobs, err := tx.DueJobs(T0, 1)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("DueJobs = %v, %v", jobs, err)
		}
		got = jobs[0]
		return nil
	})
	got.Attempts, got.LastError, got.NextAt = 1, "tracker down", T0.Add(time.Minute)
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutJob(got) })
	if keys := DueKeys(t, db, T0.Add(time.Minute-time.Nanosecond), 10); len(keys) != 0 {
		t.Errorf("job due before its new NextAt: %v", keys)
	}
	_ = db.View(func(tx triage.Tx) error {
		jobs, _ := tx.DueJobs(T0.Add(time.Minute), 10)
		if len(jobs) != 1 || jobs[0].Attempts != 1 || jobs[0].LastError != "tracker down" || string(jobs[0].Payload) != `{"kind":"oncall"}` {
			t.Errorf("after PutJob: %+v", jobs)
		}
		return nil
	})
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(got) })
	for name, fn := range map[string]func(tx triage.Tx) error{
		"PutJob":      func(tx triage.Tx) error { return tx.PutJob(got) },
		"CompleteJob": func(tx triage.Tx) error { return tx.CompleteJob(got) },
		"BuryJob":     func(tx triage.Tx) error { return tx.BuryJob(got) },
	} {
		t.Run(name+" of a finished job", func(t *testing.T) {
			WantNotFound(t, name, db.Update(fn))
		})
	}
}

func testBuryRetryDiscard(t *testing.T, d Driver) {
	clk := NewClock(T0)
	db := open(t, d, Options{Now: clk.Now})
	a, b := Job("a", T0), Job("b", T0)
	Enqueue(t, db, a)
	Enqueue(t, db, b)
	a.Attempts, a.LastError = 5, "jira says no"
	b.Attempts, b.LastError = 1, "bad payload"
	MustUpdate(t, db, func(tx triage.Tx) error {
		if err := tx.BuryJob(a); err != nil {
			return err
		}
		return tx.BuryJob(b)
	})
	if keys := DueKeys(t, db, T0.Add(time.Hour), 0); len(keys) != 0 {
		t.Errorf("buried jobs are still due: %v", keys)
	}
	dead, err := db.DeadJobs()
	if err != nil || len(dead) != 2 || dead[0].Key != "a" || dead[0].LastError != "jira says no" || dead[0].Attempts != 5 {
		t.Fatalf("DeadJobs = %+v, %v", dead, err)
	}
	if q, d, _, _ := db.OutboxStats(); q != 0 || d != 2 {
		t.Errorf("OutboxStats queued=%d dead=%d, want 0 and 2", q, d)
	}

	clk.Set(T0.Add(time.Hour))
	if err := db.RetryDead(a.ID); err != nil {
		t.Fatal(err)
	}
	if keys := DueKeys(t, db, T0.Add(time.Hour), 0); !slices.Equal(keys, []string{"a"}) {
		t.Errorf("after RetryDead, due = %v, want [a]", keys)
	}
	_ = db.View(func(tx triage.Tx) error {
		jobs, _ := tx.DueJobs(T0.Add(time.Hour), 0)
		if len(jobs) == 1 && (jobs[0].Attempts != 0 || !jobs[0].NextAt.Equal(T0.Add(time.Hour))) {
			t.Errorf("retried job = %+v, want attempts 0 and NextAt now", jobs[0])
		}
		return nil
	})
	if Enqueue(t, db, Job("a", T0)) {
		t.Error("the retried key was enqueued twice")
	}

	if err := db.DiscardDead(b.ID); err != nil {
		t.Fatal(err)
	}
	if Enqueue(t, db, Job("b", T0)) {
		t.Error("a discarded key was enqueued again within the dedupe TTL")
	}
	WantNotFound(t, "RetryDead of a discarded job", db.RetryDead(b.ID))
	WantNotFound(t, "DiscardDead of a missing job", db.DiscardDead(999))
}

func testOutboxStatsOldest(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	if q, d, oldest, err := db.OutboxStats(); err != nil || q != 0 || d != 0 || !oldest.IsZero() {
		t.Errorf("empty outbox: %d %d %v %v", q, d, oldest, err)
	}
	first := Job("first", T0.Add(-time.Hour))
	Enqueue(t, db, first)
	Enqueue(t, db, Job("second", T0))
	_, _, oldest, err := db.OutboxStats()
	if err != nil || !oldest.Equal(T0.Add(-time.Hour)) {
		t.Errorf("oldest = %v, %v; want %v", oldest, err, T0.Add(-time.Hour))
	}
	MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(first) })
	if _, _, oldest, _ = db.OutboxStats(); !oldest.Equal(T0) {
		t.Errorf("after completing the first, oldest = %v, want %v", oldest, T0)
	}
}

func testPurgeExpired(t *testing.T, d Driver) {
	clk := NewClock(T0)
	db := open(t, d, Options{Now: clk.Now, DedupeTTL: time.Hour})
	j := Job("done", T0)
	Enqueue(t, db, j)
	MustUpdate(t, db, func(tx triage.Tx) error {
		for _, c := range []struct {
			key string
			exp time.Time
		}{{"short", T0.Add(time.Minute)}, {"long", T0.Add(48 * time.Hour)}, {"reclaimed", T0.Add(time.Minute)}} {
			if _, _, err := tx.Claim(c.key, "v", clk.Now(), c.exp); err != nil {
				return err
			}
		}
		return tx.CompleteJob(j) // done until T0+1h
	})
	// "reclaimed" expires and is claimed again for longer: purging past its
	// first expiry must keep the new claim.
	clk.Set(T0.Add(2 * time.Minute))
	MustUpdate(t, db, func(tx triage.Tx) error {
		_, fresh, err := tx.Claim("reclaimed", "again", clk.Now(), T0.Add(48*time.Hour))
		if !fresh {
			t.Error("expired claim was not fresh")
		}
		return err
	})

	n, err := db.PurgeExpired(T0.Add(2 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("PurgeExpired removed %d, want 2 (claim short, job key done)", n)
	}
	// A purged claim is gone even when asked about at a time it was live.
	_ = db.View(func(tx triage.Tx) error {
		for key, want := range map[string]bool{"short": false, "long": true, "reclaimed": true} {
			if _, ok, err := tx.Claimed(key, T0); err != nil || ok != want {
				t.Errorf("after purge, Claimed(%s) at T0 = %v, %v; want %v", key, ok, err, want)
			}
		}
		return nil
	})
	clk.Set(T0.Add(3 * time.Minute))
	MustUpdate(t, db, func(tx triage.Tx) error {
		for key, wantFresh := range map[string]bool{"short": true, "long": false, "reclaimed": false} {
			_, fresh, err := tx.Claim(key, "x", clk.Now(), T0.Add(72*time.Hour))
			if err != nil {
				return err
			}
			if fresh != wantFresh {
				t.Errorf("after purge, Claim(%s) fresh = %v, want %v", key, fresh, wantFresh)
			}
		}
		return nil
	})
	if n, _ := db.PurgeExpired(T0.Add(2 * time.Hour)); n != 0 {
		t.Errorf("second purge removed %d, want 0", n)
	}
}
