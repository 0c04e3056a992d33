package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// handles returns two replicas of one store for a driver that has them,
// and one store twice otherwise, so concurrency cases run on both.
func handles(t *testing.T, d Driver, opt Options) []*handle {
	t.Helper()
	if d.Replicas {
		return replicas(t, d, 2, opt)
	}
	s := open(t, d, opt)
	return []*handle{s, s}
}

// testConcurrentUpdates runs many intakes at once, spread over the
// replicas: each allocates an id, saves a request, charges one shared
// ledger and enqueues a job. Ids must be 1..n without gaps or repeats and
// no charge may be lost, as if the Updates ran one after another.
func testConcurrentUpdates(t *testing.T, d Driver) {
	stores := handles(t, d, Options{})
	const n = 40
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	for i := range n {
		db := stores[i%len(stores)]
		wg.Go(func() {
			var id int64
			// fn may run again after a lost race: it keeps nothing between runs.
			err := db.Update(func(tx triage.Tx) error {
				var err error
				if id, err = tx.NextRequestID(); err != nil {
					return err
				}
				if err := tx.PutRequest(Request(id, "a", T0.Add(time.Duration(id)*time.Second))); err != nil {
					return err
				}
				l, err := tx.Ledger("a", 1)
				if errors.Is(err, triage.ErrNotFound) {
					l, err = sprint.NewLedger("a", 1, sprint.Budget{Capacity: 1000, Fraction: 1}), nil
				}
				if err != nil {
					return err
				}
				l.Reserve(strconv.FormatInt(id, 10), 1, T0)
				if err := tx.PutLedger(l); err != nil {
					return err
				}
				_, err = tx.Enqueue(Job("notify:"+strconv.FormatInt(id, 10), T0))
				return err
			})
			if err != nil {
				t.Errorf("concurrent Update: %v", err)
				return
			}
			mu.Lock()
			got = append(got, id)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(got)
	for i, id := range got {
		if id != int64(i+1) {
			t.Fatalf("committed ids %v, want 1..%d", got, n)
		}
	}
	if ids := IDs(t, stores[0], "a", T0, T0.Add(time.Hour)); len(ids) != n {
		t.Errorf("%d requests stored, want %d", len(ids), n)
	}
	_ = stores[1].View(func(tx triage.Tx) error {
		l, err := tx.Ledger("a", 1)
		if err != nil || len(l.Charges) != n || l.Used() != n {
			t.Errorf("ledger = %v, %v; want %d charges: a concurrent update was lost", l, err, n)
		}
		return nil
	})
	if q, err := queuedJobs(t, stores[0]); err != nil || q != n {
		t.Errorf("%d jobs queued, %v; want %d", q, err, n)
	}
}

// testReplicasShareClaims claims one event id from many goroutines on
// every replica, and accepts another (whose claim Accept takes): one claim
// wins, and every other call sees its value; one delivery is accepted.
func testReplicasShareClaims(t *testing.T, d Driver) {
	stores := replicas(t, d, 2, Options{})
	const n = 16
	var mu sync.Mutex
	won, accepted := 0, 0
	values := map[string]bool{}
	var wg sync.WaitGroup
	for i := range n {
		db := stores[i%len(stores)]
		wg.Go(func() {
			var stored string
			var fresh bool
			err := db.Update(func(tx triage.Tx) error {
				var err error
				stored, fresh, err = tx.Claim("event:Ev1", strconv.Itoa(i), T0, T0.Add(time.Hour))
				return err
			})
			dup, aerr := db.Accept(&triage.Delivery{Kind: "event", Key: "Ev2", Received: T0}, time.Hour)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || aerr != nil {
				t.Errorf("Claim: %v; Accept: %v", err, aerr)
				return
			}
			values[stored] = true
			if fresh {
				won++
			}
			if !dup {
				accepted++
			}
		})
	}
	wg.Wait()
	if won != 1 || accepted != 1 || len(values) != 1 {
		t.Errorf("%d claims won and %d deliveries accepted, want 1 and 1; values seen %v, want one", won, accepted, values)
	}
}

// testReplicasTakeEachJobOnce runs triage's worker on two replicas over
// one outbox: every job is handled once, by one of them.
func testReplicasTakeEachJobOnce(t *testing.T, d Driver) {
	stores := replicas(t, d, 2, Options{Lease: time.Minute})
	const n = 120
	MustUpdate(t, stores[0], func(tx triage.Tx) error {
		for i := range n {
			if _, err := tx.Enqueue(Job(fmt.Sprint("notify:", i), T0)); err != nil {
				return err
			}
		}
		return nil
	})
	var mu sync.Mutex
	handled := map[string][]int{}
	var wg sync.WaitGroup
	for r, db := range stores {
		w := &triage.Worker{Store: db, Now: func() time.Time { return T0 }, Batch: 7,
			Handlers: map[string]triage.Handler{triage.JobNotify: func(_ context.Context, j *triage.Job) (func(triage.Tx) error, error) {
				mu.Lock()
				handled[j.Key] = append(handled[j.Key], r)
				mu.Unlock()
				return nil, nil
			}}}
		wg.Go(func() {
			for {
				got, err := w.RunOnce(context.Background())
				if err != nil {
					t.Errorf("replica %d: %v", r, err)
					return
				}
				if got == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(handled) != n {
		t.Errorf("%d jobs handled, want %d", len(handled), n)
	}
	by := [2]int{}
	for key, rs := range handled {
		if len(rs) != 1 {
			t.Errorf("job %s handled by replicas %v, want one", key, rs)
		}
		by[rs[0]]++
	}
	if q, _, _, err := stores[1].OutboxStats(); err != nil || q != 0 {
		t.Errorf("%d jobs still queued, %v", q, err)
	}
	t.Logf("replica 0 handled %d jobs, replica 1 %d", by[0], by[1])
}

// testReplicaLeaseExpires has one replica take jobs and die: another
// replica gets them once the lease has passed, and at once for a job
// whose attempt the first replica recorded.
func testReplicaLeaseExpires(t *testing.T, d Driver) {
	const lease = time.Minute
	stores := replicas(t, d, 2, Options{Lease: lease})
	a, b := stores[0], stores[1]
	for _, k := range []string{"j1", "j2", "j3"} {
		Enqueue(t, a, Job(k, T0))
	}
	var taken []*triage.Job
	_ = a.View(func(tx triage.Tx) error {
		var err error
		taken, err = tx.DueJobs(T0, 0)
		if err != nil || len(taken) != 3 {
			t.Fatalf("replica a took %d jobs, %v; want 3", len(taken), err)
		}
		return nil
	})
	if got := DueKeys(t, b, T0, 0); len(got) != 0 {
		t.Errorf("replica b took %v while a's lease is live", got)
	}
	if got := DueKeys(t, a, T0, 0); !slices.Equal(got, []string{"j1", "j2", "j3"}) {
		t.Errorf("replica a's own leased jobs: %v, want all three again", got)
	}
	// a records a failed attempt of j2, due again at once: its lease ends.
	j2 := taken[1]
	j2.Attempts, j2.LastError = 1, "slack 503"
	MustUpdate(t, a, func(tx triage.Tx) error { return tx.PutJob(j2) })
	if got := DueKeys(t, b, T0, 0); !slices.Equal(got, []string{"j2"}) {
		t.Errorf("after a's PutJob, replica b takes %v, want [j2]", got)
	}
	// a dies; j1 and j3 wait for the lease (b's on j2 is live).
	if got := DueKeys(t, b, T0.Add(lease-time.Nanosecond), 0); !slices.Equal(got, []string{"j2"}) {
		t.Errorf("just before the lease passed, replica b takes %v, want only its own [j2]", got)
	}
	if got := DueKeys(t, b, T0.Add(lease), 0); !slices.Equal(got, []string{"j1", "j2", "j3"}) {
		t.Errorf("once the lease passed, replica b takes %v, want all three", got)
	}
	MustUpdate(t, b, func(tx triage.Tx) error { return tx.CompleteJob(taken[0]) })
	WantNotFound(t, "the dead replica completing a job done since", a.Update(func(tx triage.Tx) error { return tx.CompleteJob(taken[0]) }))
}

// testReplicasShareTheInbox accepts deliveries on two replicas: a retry
// that reaches the other replica is a duplicate, each replica's sweep gets
// only its own deliveries, and those of a replica that died once its lease
// has passed.
func testReplicasShareTheInbox(t *testing.T, d Driver) {
	clk := NewClock(T0)
	stores := replicas(t, d, 2, Options{Now: clk.Now, Lease: time.Minute})
	a, b := stores[0], stores[1]
	accept := func(db *handle, key string) bool {
		dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: key, Body: []byte(key), Received: T0}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return dup
	}
	if accept(a, "Ev1") || !accept(b, "Ev1") || accept(b, "Ev2") {
		t.Fatal("want Ev1 new on a, a duplicate on b, and Ev2 new on b")
	}
	keys := func(db *handle) []string {
		ds, err := db.Pending(10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.Key)
		}
		return out
	}
	if got := keys(a); !slices.Equal(got, []string{"Ev1"}) {
		t.Errorf("replica a's pending = %v, want [Ev1]", got)
	}
	if got := keys(b); !slices.Equal(got, []string{"Ev2"}) {
		t.Errorf("replica b's pending = %v, want [Ev2]", got)
	}
	// a dies with Ev1 unprocessed.
	clk.Set(T0.Add(time.Minute))
	if got := keys(b); !slices.Equal(got, []string{"Ev1", "Ev2"}) {
		t.Errorf("after a's lease passed, replica b's pending = %v, want [Ev1 Ev2]", got)
	}
	if got := keys(a); len(got) != 0 {
		t.Errorf("b took a's deliveries over, yet a's pending = %v", got)
	}
}

// testReplicaCloseHandsOver closes a replica that holds jobs and
// deliveries, as a rolling restart does: another replica takes them at
// once, without waiting for the lease.
func testReplicaCloseHandsOver(t *testing.T, d Driver) {
	stores := replicas(t, d, 2, Options{Now: func() time.Time { return T0 }, Lease: time.Hour})
	a, b := stores[0], stores[1]
	Enqueue(t, a, Job("j1", T0))
	if dup, err := a.Accept(&triage.Delivery{Kind: "event", Key: "Ev1", Received: T0}, time.Hour); dup || err != nil {
		t.Fatalf("Accept: %v, %v", dup, err)
	}
	if got := DueKeys(t, a, T0, 0); len(got) != 1 {
		t.Fatalf("replica a took %v, want [j1]", got)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got := DueKeys(t, b, T0, 0); !slices.Equal(got, []string{"j1"}) {
		t.Errorf("after a closed, replica b takes %v, want [j1]", got)
	}
	if ds, err := b.Pending(10); err != nil || len(ds) != 1 || ds[0].Key != "Ev1" {
		t.Errorf("after a closed, replica b's pending = %v, %v; want Ev1", ds, err)
	}
}

// testReplicaLeasesOnlyFreeJobs has replica a take a job; b saving it as
// Leased (to run it, as a worker's chain does with a job it read a while
// ago) fails with ErrNotFound while a's lease lives, and works once it has
// passed, after which a can no longer lease it back.
func testReplicaLeasesOnlyFreeJobs(t *testing.T, d Driver) {
	if !d.Replicas {
		t.Skip("one process: no other replica holds a lease")
	}
	clk := NewClock(T0)
	stores := replicas(t, d, 2, Options{Now: clk.Now, Lease: time.Minute})
	a, b := stores[0], stores[1]
	Enqueue(t, a, Job("j1", T0))
	var read []*triage.Job
	_ = b.View(func(tx triage.Tx) error {
		var err error
		read, err = tx.DueJobs(T0, 0) // b read it first, and its read lapses
		return err
	})
	if len(read) != 1 {
		t.Fatalf("replica b read %d jobs, want 1", len(read))
	}
	clk.Set(T0.Add(time.Minute))
	if got := DueKeys(t, a, clk.Now(), 0); !slices.Equal(got, []string{"j1"}) {
		t.Fatalf("after b's lease passed, replica a takes %v, want [j1]", got)
	}
	lease := func(s Store) error {
		j := *read[0]
		j.Leased = true
		return s.Update(func(tx triage.Tx) error { return tx.PutJob(&j) })
	}
	WantNotFound(t, "b leasing a job a holds", lease(b))
	MustUpdate(t, a, func(tx triage.Tx) error {
		j := *read[0]
		j.Leased = true
		return tx.PutJob(&j)
	})
	clk.Set(T0.Add(3 * time.Minute))
	if err := lease(b); err != nil {
		t.Fatalf("b leasing the job once a's lease passed: %v", err)
	}
	WantNotFound(t, "a leasing the job back while b holds it", lease(a))
}
