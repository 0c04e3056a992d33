package triage_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// goroutineID reads the calling goroutine's id from its stack trace's
// first line, "goroutine N [running]:".
func goroutineID(t *testing.T) string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, ok := bytes.Cut(bytes.TrimPrefix(buf, []byte("goroutine ")), []byte(" "))
	if !ok {
		t.Errorf("no goroutine id in %q", buf)
	}
	return string(id)
}

// Run's chains run on at most Workers goroutines, which keep their grown
// stacks from one chain to the next, however many chains there are.
func TestRunReusesItsGoroutines(t *testing.T) {
	f := newFixture(t)
	var jobs []*triage.Job
	for i := range 40 {
		// A request each: every job is a chain of its own.
		jobs = append(jobs, &triage.Job{Key: fmt.Sprintf("job-%d", i), Team: "ops", RequestID: int64(1 + i)})
	}
	f.queue(t, jobs...)
	var mu sync.Mutex
	ran := map[string]bool{}
	on := map[string]bool{}
	handle := func(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
		id := goroutineID(t)
		mu.Lock()
		defer mu.Unlock()
		ran[j.Key] = true
		on[id] = true
		return nil, nil
	}
	w := &triage.Worker{Store: f.db, Now: f.clock.now, Workers: 2,
		Handlers: map[string]triage.Handler{jobCall: handle}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, 10*time.Millisecond)
	}()
	waitFor(t, 30*time.Second, "every job", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(ran) == len(jobs)
	})
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(on) > w.Workers {
		t.Errorf("the %d jobs ran on %d goroutines, want at most %d (Workers)", len(jobs), len(on), w.Workers)
	}
}
