package groupcommit

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// memStore is a transactional map: a transaction works on a copy that
// replaces the map only when the function returns nil, as a commit does.
// before, if set, runs at the start of each transaction (to hold one open).
type memStore struct {
	mu      sync.Mutex
	data    map[string]int
	commits int
	fail    error // the commit's own error, for every transaction
	before  func()
}

func (m *memStore) update(fn func(map[string]int) error) error {
	if m.before != nil {
		m.before()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := maps.Clone(m.data)
	if err := fn(tx); err != nil {
		return err
	}
	if m.fail != nil {
		return m.fail
	}
	m.data = tx
	m.commits++
	return nil
}

func (m *memStore) get(k string) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.data[k]
	return v, ok
}

// held returns a store whose first transaction waits until release is
// closed, after telling entered; the intents sent meanwhile queue up.
func held() (m *memStore, entered, release chan struct{}) {
	m = &memStore{data: map[string]int{}}
	entered, release = make(chan struct{}), make(chan struct{})
	var once sync.Once
	m.before = func() {
		once.Do(func() {
			close(entered)
			<-release
		})
	}
	return m, entered, release
}

// queueUp starts fns as concurrent Updates while the writer is held in
// its first transaction, and waits until they are all queued, in order.
func queueUp(t *testing.T, w *Writer[map[string]int], fns []func(map[string]int) error) []chan error {
	t.Helper()
	out := make([]chan error, len(fns))
	for i, fn := range fns {
		out[i] = make(chan error, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					out[i] <- fmt.Errorf("panic: %v", p)
				}
			}()
			out[i] <- w.Update(fn)
		}()
		// One at a time, so that they queue in order.
		for len(w.queue) < i+1 {
			runtime.Gosched()
		}
	}
	return out
}

func TestConcurrentIntentsShareOneCommit(t *testing.T) {
	m, entered, release := held()
	var observed []int // only the writer goroutine appends
	w := New(m.update, Options{MaxBatch: 64, Observe: func(intents int, _ time.Duration) { observed = append(observed, intents) }})
	defer w.Close()
	first := make(chan error, 1)
	go func() { first <- w.Update(func(tx map[string]int) error { tx["first"] = 1; return nil }) }()
	<-entered
	fns := make([]func(map[string]int) error, 100)
	for i := range fns {
		fns[i] = func(tx map[string]int) error { tx[fmt.Sprint(i)] = i; return nil }
	}
	results := queueUp(t, w, fns)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if err := <-r; err != nil {
			t.Fatalf("intent %d: %v", i, err)
		}
		if v, ok := m.get(fmt.Sprint(i)); !ok || v != i {
			t.Fatalf("intent %d not committed when its Update returned", i)
		}
	}
	// One commit for the first, then the 100 queued in batches of 64.
	if m.commits != 3 {
		t.Errorf("%d commits for 101 intents, want 3", m.commits)
	}
	// Each batch was observed before its callers were told.
	if want := []int{1, 64, 36}; !slices.Equal(observed, want) {
		t.Errorf("observed batches of %v intents, want %v", observed, want)
	}
}

func TestAFailingIntentFailsAlone(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		bad  func(map[string]int) error
		want string
	}{
		{"error", func(tx map[string]int) error { tx["bad"] = 1; return boom }, "boom"},
		{"panic", func(tx map[string]int) error { tx["bad"] = 1; panic("kaput") }, "panic: kaput"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, entered, release := held()
			w := New(m.update, Options{})
			defer w.Close()
			go w.Update(func(map[string]int) error { return nil })
			<-entered
			runs := make([]int, 3)
			ok := func(i int) func(map[string]int) error {
				return func(tx map[string]int) error {
					runs[i]++ // only the writer goroutine runs functions
					tx[fmt.Sprint("ok", i)] = i
					return nil
				}
			}
			results := queueUp(t, w, []func(map[string]int) error{ok(0), tc.bad, ok(1), ok(2)})
			close(release)
			for i, r := range results {
				err := <-r
				switch {
				case i == 1 && (err == nil || err.Error() != tc.want):
					t.Errorf("the failing intent got %v, want %s", err, tc.want)
				case i != 1 && err != nil:
					t.Errorf("intent %d failed with its peer: %v", i, err)
				}
			}
			if _, ok := m.get("bad"); ok {
				t.Error("the failing intent's write was committed")
			}
			for i := range 3 {
				if _, ok := m.get(fmt.Sprint("ok", i)); !ok {
					t.Errorf("ok%d was not committed", i)
				}
			}
			// The one before the failure ran twice (the batch was re-run
			// without the failing one), the ones after it once.
			if runs[0] != 2 || runs[1] != 1 || runs[2] != 1 {
				t.Errorf("runs %v, want [2 1 1]", runs)
			}
		})
	}
}

func TestACommitErrorReachesEveryCaller(t *testing.T) {
	m, entered, release := held()
	w := New(m.update, Options{})
	defer w.Close()
	go w.Update(func(map[string]int) error { return nil })
	<-entered
	disk := errors.New("disk full")
	results := queueUp(t, w, []func(map[string]int) error{
		func(tx map[string]int) error { tx["a"] = 1; return nil },
		func(tx map[string]int) error { tx["b"] = 1; return nil },
	})
	m.mu.Lock()
	m.fail = disk
	m.mu.Unlock()
	close(release)
	for i, r := range results {
		if err := <-r; !errors.Is(err, disk) {
			t.Errorf("intent %d: %v, want the commit's error", i, err)
		}
	}
}

func TestUpdateAfterClose(t *testing.T) {
	m := &memStore{data: map[string]int{}}
	w := New(m.update, Options{})
	if err := w.Update(func(tx map[string]int) error { tx["a"] = 1; return nil }); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w.Close()
	if err := w.Update(func(map[string]int) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update after Close: %v, want ErrClosed", err)
	}
}
