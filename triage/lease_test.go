package triage_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/testlog"
	"github.com/sprintguard/sprintguard/triage"
)

// renewingStore renews leases itself, as store/postgres does, and plays the
// other replica for the jobs named in lose: it reports them lost at
// renewal, and from then on its due jobs leave them out, as that
// replica's lease would.
type renewingStore struct {
	triage.Store
	mu      sync.Mutex
	renewed map[string]int
	lose    map[string]bool
	taken   map[string]bool
}

var _ triage.LeaseRenewer = (*renewingStore)(nil)

func newRenewingStore(s triage.Store, lose ...string) *renewingStore {
	l := &renewingStore{Store: s, renewed: map[string]int{}, lose: map[string]bool{}, taken: map[string]bool{}}
	for _, k := range lose {
		l.lose[k] = true
	}
	return l
}

func (s *renewingStore) RenewLeases(jobs []*triage.Job) ([]*triage.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lost []*triage.Job
	for _, j := range jobs {
		if s.lose[j.Key] {
			s.taken[j.Key] = true
			lost = append(lost, j)
			continue
		}
		s.renewed[j.Key]++
	}
	return lost, nil
}

func (s *renewingStore) renewals(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.renewed[key]
}

func (s *renewingStore) View(fn func(triage.Tx) error) error {
	return s.Store.View(func(tx triage.Tx) error { return fn(&hiddenTx{Tx: tx, s: s}) })
}

// hiddenTx is a transaction of renewingStore, whose due jobs leave out those
// the other replica took.
type hiddenTx struct {
	triage.Tx
	s *renewingStore
}

func (t *hiddenTx) DueJobs(now time.Time, limit int) ([]*triage.Job, error) {
	jobs, err := t.Tx.DueJobs(now, limit)
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	out := jobs[:0]
	for _, j := range jobs {
		if !t.s.taken[j.Key] {
			out = append(out, j)
		}
	}
	return out, err
}

// beats returns a Worker.After that hands each wait's channel to the test
// on the returned channel, so that the test decides when a beat comes.
// Once the test is over, a wait never ends.
func beats(t *testing.T) (func(time.Duration) <-chan time.Time, chan chan time.Time) {
	waits := make(chan chan time.Time)
	return func(time.Duration) <-chan time.Time {
		c := make(chan time.Time)
		select {
		case waits <- c:
		case <-t.Context().Done():
		}
		return c
	}, waits
}

// beat lets the worker's heartbeat fire once and returns when the
// renewal it made is over: the heartbeat waits for its next beat.
func beat(t *testing.T, waits chan chan time.Time) {
	t.Helper()
	next := func() chan time.Time {
		select {
		case c := <-waits:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("the worker's heartbeat never waited for a beat: it keeps no lease")
			return nil
		}
	}
	next() <- time.Now()
	next()
}

// runWorker runs w until the returned stop is called, or the test ends.
func runWorker(t *testing.T, w *triage.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, time.Hour) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("worker: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// A job waiting in Yield, while acknowledgements back up, holds a lease
// that runs out like any other: Run renews it from the lease on, not only
// once the handler starts. The lease used to be renewed from the
// handler's start, and a second of Yield under a burst let another replica
// take jobs that were about to run.
func TestRunKeepsTheLeaseThroughYield(t *testing.T) {
	f := newFixture(t)
	f.queue(t, &triage.Job{Key: "mine"})
	s := newRenewingStore(f.db)
	w := &triage.Worker{Store: s, Now: f.clock.now, Heartbeat: time.Second, Handlers: map[string]triage.Handler{
		jobCall: func(context.Context, *triage.Job) (func(triage.Tx) error, error) { return nil, nil }}}
	var waits chan chan time.Time
	w.After, waits = beats(t)
	yielding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	w.Yield = func(context.Context) {
		once.Do(func() {
			close(yielding)
			<-release
		})
	}
	runWorker(t, w)
	t.Cleanup(func() { close(release) }) // before the worker stops
	select {
	case <-yielding:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker never yielded")
	}
	beat(t, waits)
	if n := s.renewals("mine"); n != 1 {
		t.Errorf("a beat while the job waited in Yield renewed its lease %d times, want once", n)
	}
}

// A run whose lease another replica took stops: its handler's context
// ends, and its outcome is not recorded, since the job is the other
// replica's now; recording it would end that replica's lease too.
func TestRunStopsARunWhoseLeaseIsLost(t *testing.T) {
	f := newFixture(t)
	f.queue(t, &triage.Job{Key: "theirs"})
	s := newRenewingStore(f.db, "theirs")
	var logs testlog.Buffer
	w := &triage.Worker{Store: s, Now: f.clock.now, Heartbeat: time.Second, Handlers: map[string]triage.Handler{}}
	w.Log = slog.New(slog.NewTextHandler(&logs, nil))
	var waits chan chan time.Time
	w.After, waits = beats(t)
	started, cause := make(chan struct{}), make(chan error, 1)
	var mu sync.Mutex
	var ran []string
	w.Handlers[jobCall] = func(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
		mu.Lock()
		ran = append(ran, j.Key)
		mu.Unlock()
		close(started)
		select {
		case <-ctx.Done():
			cause <- context.Cause(ctx)
		case <-time.After(30 * time.Second):
			cause <- nil
		}
		return nil, ctx.Err()
	}
	stop := runWorker(t, w)
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the job never started")
	}
	beat(t, waits)
	if err := <-cause; err == nil || !strings.Contains(err.Error(), "another replica") {
		t.Errorf("the run of a job whose lease was lost ended with %v, want its context ended by the loss", err)
	}
	stop()
	var got *triage.Job
	for _, j := range f.jobs(t) {
		if j.Key == "theirs" {
			got = j
		}
	}
	switch {
	case got == nil:
		t.Error("the run whose lease was lost completed the job")
	case got.Attempts != 0 || got.LastError != "":
		t.Errorf("after the lost run the job has %d attempts, error %q; want nothing recorded", got.Attempts, got.LastError)
	}
	mu.Lock()
	if strings.Join(ran, " ") != "theirs" {
		t.Errorf("jobs run: %v; want the lost one once", ran)
	}
	mu.Unlock()
	if !strings.Contains(logs.String(), "another replica took it") {
		t.Errorf("the loss was not logged:\n%s", logs.String())
	}
}
