package groupcommit

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
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
	return queueOn(t, w, w.queue, w.Update, fns)
}

// queueOn is queueUp for the queue q, whose intents send sends.
func queueOn(t *testing.T, w *Writer[map[string]int], q chan *intent[map[string]int],
	send func(func(map[string]int) error) error, fns []func(map[string]int) error) []chan error {
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
			out[i] <- send(fn)
		}()
		// One at a time, so that they queue in order.
		for len(q) < i+1 {
			runtime.Gosched()
		}
	}
	return out
}

func TestConcurrentIntentsShareOneCommit(t *testing.T) {
	m, entered, release := held()
	w := New(m.update, Options{MaxBatch: 64})
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

func TestUrgentIntentsGoFirst(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lull    time.Duration
		sizes   string // the commits' sizes
		urgents string // the urgent intents each commit held
		ranIn   string // the commit each function ran in, in the order they ran
	}{
		// The urgent ones join the held transaction, ahead of the
		// ordinary ones queued before them; the next batch takes only 4
		// ordinary ones, since the last held urgent ones; then the
		// remaining 16 at once.
		{"no lull", -1, "[4 4 16]", "[3 0 0]", "[0 0 0 1 1 1 1 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2]"},
		// Within the lull after an urgent commit, ordinary ones go 4 at
		// a time.
		{"lull", time.Hour, "[4 4 4 4 4 4]", "[3 0 0 0 0 0]", "[0 0 0 1 1 1 1 2 2 2 2 3 3 3 3 4 4 4 4 5 5 5 5]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, entered, release := held()
			var sizes, urgents []int // written on the writer goroutine only, read after Close
			w := New(m.update, Options{MaxBesideUrgent: 4, UrgentLull: tc.lull, AfterCommit: func(n, u int) {
				sizes, urgents = append(sizes, n), append(urgents, u)
			}})
			go w.Update(func(map[string]int) error { return nil })
			<-entered
			var ranIn []int
			fns := func(n int, name string) []func(map[string]int) error {
				out := make([]func(map[string]int) error, n)
				for i := range out {
					out[i] = func(tx map[string]int) error {
						ranIn = append(ranIn, len(sizes))
						tx[fmt.Sprint(name, i)] = i
						return nil
					}
				}
				return out
			}
			ordinary := queueUp(t, w, fns(20, "ordinary"))
			urgent := queueOn(t, w, w.urgent, w.Urgent, fns(3, "urgent"))
			close(release)
			for i, r := range append(urgent, ordinary...) {
				if err := <-r; err != nil {
					t.Fatalf("intent %d: %v", i, err)
				}
			}
			w.Close()
			if got := fmt.Sprint(sizes); got != tc.sizes {
				t.Errorf("commits of %s intents, want %s", got, tc.sizes)
			}
			if got := fmt.Sprint(urgents); got != tc.urgents {
				t.Errorf("commits of %s urgent intents, want %s", got, tc.urgents)
			}
			if got := fmt.Sprint(ranIn); got != tc.ranIn {
				t.Errorf("the intents ran in commits %s, want %s", got, tc.ranIn)
			}
			for i := range 3 {
				if _, ok := m.get(fmt.Sprint("urgent", i)); !ok {
					t.Errorf("urgent%d was not committed", i)
				}
			}
		})
	}
}

func TestUrgentIntentJoinsTheTransactionUnderWay(t *testing.T) {
	m := &memStore{data: map[string]int{}}
	var sizes []int
	w := New(m.update, Options{AfterCommit: func(n, _ int) { sizes = append(sizes, n) }})
	urgent := make(chan error, 1)
	err := w.Update(func(tx map[string]int) error {
		tx["ordinary"] = 1
		// An acknowledgement arrives while this transaction runs: it
		// should not wait for the next one.
		go func() { urgent <- w.Urgent(func(tx map[string]int) error { tx["urgent"] = 1; return nil }) }()
		for len(w.urgent) == 0 {
			runtime.Gosched()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-urgent; err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, ok := m.get("urgent"); !ok || fmt.Sprint(sizes) != "[2]" {
		t.Errorf("commits of %v intents, urgent committed %v; want one commit of both", sizes, ok)
	}
}

func TestUrgentIntentCutsALargeBatchShort(t *testing.T) {
	m, entered, release := held()
	var sizes []int // written on the writer goroutine only, read after Close
	w := New(m.update, Options{MaxBesideUrgent: 4, AfterCommit: func(n, _ int) { sizes = append(sizes, n) }})
	go w.Update(func(map[string]int) error { return nil })
	<-entered
	urgent := make(chan error, 1)
	fns := make([]func(map[string]int) error, 20)
	for i := range fns {
		fns[i] = func(tx map[string]int) error {
			tx[fmt.Sprint("ordinary", i)] = i
			if i == 1 {
				// An acknowledgement arrives while the second of 20
				// ordinary intents runs.
				go func() { urgent <- w.Urgent(func(tx map[string]int) error { tx["urgent"] = 1; return nil }) }()
				for len(w.urgent) == 0 {
					runtime.Gosched()
				}
			}
			return nil
		}
	}
	ordinary := queueUp(t, w, fns)
	close(release)
	for i, r := range append([]chan error{urgent}, ordinary...) {
		if err := <-r; err != nil {
			t.Fatalf("intent %d: %v", i, err)
		}
	}
	w.Close()
	// The held transaction; then the 20 queued ordinary ones, until the
	// urgent one arrives: it joins at once, beside 4 ordinary ones in
	// all, and the 16 not run yet wait for the next commit.
	if want := []int{1, 5, 16}; fmt.Sprint(sizes) != fmt.Sprint(want) {
		t.Errorf("commits of %v intents, want %v", sizes, want)
	}
	for i := range 20 {
		if v, ok := m.get(fmt.Sprint("ordinary", i)); !ok || v != i {
			t.Errorf("ordinary%d = %d, %v; want it committed", i, v, ok)
		}
	}
	if _, ok := m.get("urgent"); !ok {
		t.Error("the urgent intent was not committed")
	}
}

func TestPutOffIntentsSurviveAFailingPeer(t *testing.T) {
	m, entered, release := held()
	var sizes []int
	w := New(m.update, Options{MaxBesideUrgent: 2, AfterCommit: func(n, _ int) { sizes = append(sizes, n) }})
	go w.Update(func(map[string]int) error { return nil })
	<-entered
	urgent := make(chan error, 1)
	var once sync.Once
	fns := make([]func(map[string]int) error, 6)
	for i := range fns {
		fns[i] = func(tx map[string]int) error {
			if i == 0 {
				// The first run of ordinary0 (it runs again after 1 fails).
				once.Do(func() {
					go func() { urgent <- w.Urgent(func(tx map[string]int) error { tx["urgent"] = 1; return nil }) }()
					for len(w.urgent) == 0 {
						runtime.Gosched()
					}
				})
			}
			if i == 1 {
				return errors.New("bad intent")
			}
			tx[fmt.Sprint("ordinary", i)] = i
			return nil
		}
	}
	ordinary := queueUp(t, w, fns)
	close(release)
	if err := <-urgent; err != nil {
		t.Fatal(err)
	}
	for i, r := range ordinary {
		err := <-r
		if (i == 1) != (err != nil) {
			t.Errorf("intent %d: %v", i, err)
		}
	}
	w.Close()
	for i := range 6 {
		if _, ok := m.get(fmt.Sprint("ordinary", i)); ok == (i == 1) {
			t.Errorf("ordinary%d committed: %v", i, ok)
		}
	}
	if _, ok := m.get("urgent"); !ok {
		t.Error("the urgent intent was not committed")
	}
	// The held one; the urgent one beside ordinary 0 and 2 (1 failed and
	// is gone); then the 3 put off.
	if want := []int{1, 3, 3}; fmt.Sprint(sizes) != fmt.Sprint(want) {
		t.Errorf("commits of %v intents, want %v", sizes, want)
	}
}
