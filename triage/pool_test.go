package triage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

const jobCall = "test.call"

// queue enqueues jobs of kind test.call, each due at the fixture's time.
func (f *fixture) queue(t *testing.T, jobs ...*triage.Job) {
	t.Helper()
	if err := f.db.Update(func(tx triage.Tx) error {
		for _, j := range jobs {
			j.Kind, j.CreatedAt, j.NextAt = jobCall, f.clock.now(), f.clock.now()
			if _, err := tx.Enqueue(j); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// calls is a fake downstream service that counts the jobs in flight, by
// team and by request, and blocks every call of the team "slow" until
// released.
type calls struct {
	mu       sync.Mutex
	inFlight map[string]int
	maxTeam  map[string]int
	byReq    map[int64]int
	order    map[int64][]string
	overlap  []string
	done     map[string]bool
	changed  chan struct{}
	release  chan struct{}
}

func newCalls() *calls {
	return &calls{inFlight: map[string]int{}, maxTeam: map[string]int{}, byReq: map[int64]int{},
		order: map[int64][]string{}, done: map[string]bool{}, changed: make(chan struct{}), release: make(chan struct{})}
}

func (c *calls) handle(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	c.mu.Lock()
	c.inFlight[j.Team]++
	c.maxTeam[j.Team] = max(c.maxTeam[j.Team], c.inFlight[j.Team])
	if j.RequestID != 0 {
		if c.byReq[j.RequestID]++; c.byReq[j.RequestID] > 1 {
			c.overlap = append(c.overlap, j.Key)
		}
		c.order[j.RequestID] = append(c.order[j.RequestID], j.Key)
	}
	c.mu.Unlock()
	var err error
	if j.Team == "slow" {
		select {
		case <-c.release:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	c.mu.Lock()
	c.inFlight[j.Team]--
	c.byReq[j.RequestID]--
	if err == nil {
		c.done[j.Key] = true
	}
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	return nil, err
}

// wait waits until cond holds, with c.mu held, or fails the test.
func (c *calls) wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		ok, changed := cond(), c.changed
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-time.After(50 * time.Millisecond): // cond may move the clock
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (f *fixture) runPool(t *testing.T, w *triage.Worker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, 10*time.Millisecond)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// A team whose calls hang holds at most its share of the workers, and the
// other team's jobs all complete meanwhile, even when the hung team's
// queued jobs fill whole reads of the outbox (a wider read reaches past
// them, or, past MaxScan, they are moved back); once its calls come back,
// nothing of it was lost.
func TestRunKeepsASlowTeamFromStallingOthers(t *testing.T) {
	for _, tt := range []struct {
		name    string
		maxScan int
	}{{"wider read", 0}, {"moved back", 64}} {
		t.Run(tt.name, func(t *testing.T) { testSlowTeam(t, tt.maxScan) })
	}
}

func testSlowTeam(t *testing.T, maxScan int) {
	f := newFixture(t)
	c := newCalls()
	// More of the slow team's jobs than one fetch reads (4 × Workers, at
	// least 64), queued before the fast team's: without moving them back,
	// the fast jobs would never be read.
	var slow, fast []*triage.Job
	for i := range 150 {
		slow = append(slow, &triage.Job{Key: fmt.Sprintf("slow-%d", i), Team: "slow", RequestID: int64(1000 + i)})
	}
	for i := range 30 {
		// Three jobs per request, to check they keep their order.
		fast = append(fast, &triage.Job{Key: fmt.Sprintf("fast-%d", i), Team: "fast", RequestID: int64(i / 3)})
	}
	f.queue(t, slow...)
	f.queue(t, fast...)
	w := &triage.Worker{Store: f.db, Now: f.clock.now, Workers: 4, TeamWorkers: 2, MaxScan: maxScan,
		Handlers: map[string]triage.Handler{jobCall: c.handle}}
	f.runPool(t, w)

	c.wait(t, "every fast job", func() bool {
		for _, j := range fast {
			if !c.done[j.Key] {
				// A team counts as hung once its calls have run for a
				// while; the test's clock moves only when told.
				f.clock.add(time.Second)
				w.Kick()
				return false
			}
		}
		return true
	})
	c.mu.Lock()
	if c.maxTeam["slow"] > 2 || c.inFlight["slow"] != 2 {
		t.Errorf("the slow team held %d workers at most, %d now; want at most 2, and 2 hung", c.maxTeam["slow"], c.inFlight["slow"])
	}
	if len(c.overlap) > 0 {
		t.Errorf("jobs ran while another job of their request was running: %v", c.overlap)
	}
	for id, keys := range c.order {
		if id >= 1000 {
			continue
		}
		want := []string{fmt.Sprintf("fast-%d", 3*id), fmt.Sprintf("fast-%d", 3*id+1), fmt.Sprintf("fast-%d", 3*id+2)}
		if fmt.Sprint(keys) != fmt.Sprint(want) {
			t.Errorf("request %d ran %v, want %v", id, keys, want)
		}
	}
	c.mu.Unlock()

	close(c.release)
	// The slow team's jobs moved back come due as time passes (up to 30 s
	// at a time); the test's clock moves only when told.
	c.wait(t, "every slow job", func() bool {
		for _, j := range slow {
			if !c.done[j.Key] {
				f.clock.add(31 * time.Second)
				w.Kick()
				return false
			}
		}
		return true
	})
	c.wait(t, "an empty outbox", func() bool { return len(f.jobs(t)) == 0 })
}

// Run leases a job, in a committed transaction, before its handler runs,
// the jobs that follow one of their request's (leased when the one before
// is recorded) as well; a job found leased or failed before is a resumed
// run, which the handler learns from its context.
func TestRunLeasesBeforeRunning(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	ran := make(chan struct{}, 6)
	var order []string
	resumed := map[string]bool{}
	leased := map[string]bool{}
	w := &triage.Worker{Store: f.db, Now: f.clock.now, Handlers: map[string]triage.Handler{
		jobCall: func(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
			a := triage.AttemptOf(ctx)
			if a == nil || a.Key != j.Key {
				t.Errorf("job %s: attempt %+v", j.Key, a)
				return nil, nil
			}
			var stored bool
			f.db.View(func(tx triage.Tx) error {
				js, err := tx.DueJobs(f.clock.now(), 0)
				for _, s := range js {
					if s.Key == j.Key {
						stored = s.Leased
					}
				}
				return err
			})
			mu.Lock()
			resumed[j.Key], leased[j.Key] = a.Resumed, stored
			order = append(order, j.Key)
			mu.Unlock()
			ran <- struct{}{}
			return nil, nil
		},
	}}
	f.queue(t, &triage.Job{Key: "fresh"}, &triage.Job{Key: "in-flight-at-a-crash", Leased: true},
		&triage.Job{Key: "failed-before", Attempts: 2},
		&triage.Job{Key: "request-1", RequestID: 7}, &triage.Job{Key: "request-2", RequestID: 7},
		&triage.Job{Key: "request-3", RequestID: 7})
	f.runPool(t, w)
	for range 6 {
		select {
		case <-ran:
		case <-time.After(20 * time.Second):
			t.Fatal("the jobs did not run")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]bool{"fresh": false, "in-flight-at-a-crash": true, "failed-before": true,
		"request-1": false, "request-2": false, "request-3": false}
	for key, r := range want {
		if resumed[key] != r || !leased[key] {
			t.Errorf("%s: resumed %v, stored leased while running %v; want %v and true", key, resumed[key], leased[key], r)
		}
	}
	var req []string
	for _, k := range order {
		if strings.HasPrefix(k, "request-") {
			req = append(req, k)
		}
	}
	if fmt.Sprint(req) != "[request-1 request-2 request-3]" {
		t.Errorf("a request's jobs ran in the order %v", req)
	}
}

// takenStore is a store in which another replica holds the job taken:
// leasing it fails with ErrNotFound, as store/postgres answers then.
type takenStore struct {
	triage.Store
	taken string
}

type takenTx struct {
	triage.Tx
	taken string
}

func (s takenStore) Update(fn func(triage.Tx) error) error {
	return s.Store.Update(func(tx triage.Tx) error { return fn(takenTx{tx, s.taken}) })
}

func (tx takenTx) PutJob(j *triage.Job) error {
	if j.Leased && j.Key == tx.taken {
		return fmt.Errorf("put job %s: %w", j.Key, triage.ErrNotFound)
	}
	return tx.Tx.PutJob(j)
}

// TestRunSkipsAJobAnotherReplicaTook: a round whose lease of one job is
// refused runs the other jobs it read, and not that one.
func TestRunSkipsAJobAnotherReplicaTook(t *testing.T) {
	f := newFixture(t)
	ran := make(chan string, 4)
	w := &triage.Worker{Store: takenStore{f.db, "theirs"}, Now: f.clock.now, Handlers: map[string]triage.Handler{
		jobCall: func(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
			ran <- j.Key
			return nil, nil
		},
	}}
	f.queue(t, &triage.Job{Key: "ours-1"}, &triage.Job{Key: "theirs"}, &triage.Job{Key: "ours-2"})
	f.runPool(t, w)
	got := map[string]bool{}
	for len(got) < 2 {
		select {
		case k := <-ran:
			got[k] = true
		case <-time.After(20 * time.Second):
			t.Fatalf("ran %v, want ours-1 and ours-2", got)
		}
	}
	select {
	case k := <-ran:
		t.Errorf("ran %s too, want only ours-1 and ours-2", k)
	case <-time.After(300 * time.Millisecond):
	}
	if got["theirs"] {
		t.Error("ran the job another replica holds")
	}
}

// Run calls Yield before each job it performs, chains included, and the
// job waits for it.
func TestRunYieldsBeforeEachJob(t *testing.T) {
	f := newFixture(t)
	c := newCalls()
	var jobs []*triage.Job
	for i := range 6 {
		// Two requests of three jobs: the later jobs of each run as a chain.
		jobs = append(jobs, &triage.Job{Key: fmt.Sprintf("job-%d", i), Team: "ops", RequestID: int64(1 + i/3)})
	}
	f.queue(t, jobs...)
	gate := make(chan struct{})
	var mu sync.Mutex
	yields := 0
	w := &triage.Worker{Store: f.db, Now: f.clock.now, Workers: 4,
		Handlers: map[string]triage.Handler{jobCall: c.handle},
		Yield: func(ctx context.Context) {
			mu.Lock()
			yields++
			mu.Unlock()
			select {
			case <-gate:
			case <-ctx.Done():
			}
		}}
	f.runPool(t, w)
	waitFor(t, 30*time.Second, "both requests' first jobs to yield", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return yields == 2
	})
	c.mu.Lock()
	ran := len(c.done)
	c.mu.Unlock()
	if ran != 0 {
		t.Fatalf("%d jobs ran while Yield held them, want none", ran)
	}
	close(gate)
	c.wait(t, "every job", func() bool { return len(c.done) == len(jobs) })
	mu.Lock()
	defer mu.Unlock()
	if yields != len(jobs) {
		t.Errorf("Yield was called %d times for %d jobs, want once each", yields, len(jobs))
	}
}
