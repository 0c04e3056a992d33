// Package groupcommit runs the write transactions of many goroutines on
// one writer goroutine, several to a transaction, so that one commit (one
// fsync) serves them all. It knows nothing of the database: it wraps any
// Update(func(T) error) error, bbolt's or a SQL driver's alike.
package groupcommit

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrClosed is returned by Update after Close.
var ErrClosed = errors.New("the store's writer is closed")

// Options tune a Writer. The zero value is a usable default.
type Options struct {
	// MaxBatch is the most intents one transaction runs; <= 0 means 256.
	MaxBatch int
	// MaxDelay is how long the writer waits for more intents after the
	// first of a batch, while writes come from several goroutines at once;
	// <= 0 means 1ms. A lone writer is never kept waiting.
	MaxDelay time.Duration
	// AfterCommit, if set, is called on the writer goroutine after each
	// successful commit, before any of its callers is told, with how many
	// intents it held: the crash tests kill the process there.
	AfterCommit func(intents int)
	// Observe, if set, is called on the writer goroutine after each batch,
	// committed or not, before the callers of its committed intents are
	// told, with how many intents it held and how long the writer spent
	// on it: its runs, the commit and its fsync. Their sum
	// over a stretch of time is how busy the one writer was, which bounds
	// every write.
	Observe func(intents int, took time.Duration)
}

// Writer serialises transactions through one goroutine and commits them in
// groups. Each caller gets its own result: a function that fails or panics
// fails alone, as if it ran in a transaction of its own, because the batch
// is rolled back and run again without it (bbolt, like most embedded
// stores, has no savepoints). A function may therefore run more than once
// and must start from scratch each time, as with bbolt's Batch; its writes
// are committed at most once, and Update returns only once they are
// durable (or failed).
//
// Update is safe for concurrent use. A function must not call Update
// itself: the writer would wait for itself.
type Writer[T any] struct {
	update func(func(T) error) error
	opt    Options

	mu     sync.RWMutex // guards closed against sends on a closed channel
	closed bool
	queue  chan *intent[T]
	exited chan struct{}
}

// intent is one caller's transaction function and, once run, its result.
type intent[T any] struct {
	fn       func(T) error
	err      error
	panicked any
	done     chan struct{}
}

// New starts a writer over update, which must run its function in one
// read-write transaction, committed (durably) when it returns nil. Close
// stops it.
func New[T any](update func(func(T) error) error, opt Options) *Writer[T] {
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 256
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = time.Millisecond
	}
	w := &Writer[T]{update: update, opt: opt, queue: make(chan *intent[T], 2*opt.MaxBatch), exited: make(chan struct{})}
	go w.loop()
	return w
}

// Update runs fn in a transaction shared with other callers' functions and
// returns fn's own error, or the commit's. A panic in fn is re-raised here,
// in the caller's goroutine.
func (w *Writer[T]) Update(fn func(T) error) error {
	in := &intent[T]{fn: fn, done: make(chan struct{})}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	w.queue <- in
	w.mu.RUnlock()
	<-in.done
	if in.panicked != nil {
		panic(in.panicked)
	}
	return in.err
}

// Queued returns how many intents wait for the writer goroutine to take
// them. It is safe for concurrent use.
func (w *Writer[T]) Queued() int { return len(w.queue) }

// Close runs what was queued before it, then stops the writer goroutine.
// Later Updates fail with ErrClosed. Close is safe to call twice.
func (w *Writer[T]) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.exited
}

func (w *Writer[T]) loop() {
	defer close(w.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	batch := make([]*intent[T], 0, w.opt.MaxBatch)
	last := 0
	for {
		first, ok := <-w.queue
		if !ok {
			return
		}
		batch = append(batch[:0], first)
		// Waiting only pays when others write too: the last batch says
		// whether they do. Under load, what arrives during a commit is
		// the next batch anyway.
		wait := last > 1
		if wait {
			timer.Reset(w.opt.MaxDelay)
		}
		batch, wait = w.fill(batch, wait, timer.C)
		if wait {
			timer.Stop() // since Go 1.23, no stale tick is left to drain
		}
		batch = w.run(batch, time.Now())
		last = len(batch)
		clear(batch)
	}
}

// fill adds to batch what is queued, and with wait what arrives until
// timeout, up to MaxBatch intents. What is queued already is taken even
// when timeout has fired meanwhile (a select with both ready picks
// either). It reports whether it still waits on timeout.
func (w *Writer[T]) fill(batch []*intent[T], wait bool, timeout <-chan time.Time) ([]*intent[T], bool) {
	for len(batch) < w.opt.MaxBatch {
		select {
		case in, ok := <-w.queue:
			if !ok {
				return batch, wait
			}
			batch = append(batch, in)
			continue
		default:
		}
		if !wait {
			return batch, false
		}
		select {
		case in, ok := <-w.queue:
			if !ok {
				return batch, wait
			}
			batch = append(batch, in)
		case <-timeout:
			wait = false
		}
	}
	return batch, wait
}

// run commits batch, re-running it without each function that fails
// until the rest commits (or there is nothing left), and observes it,
// started at start, before its callers are told. It returns the batch,
// grown, for reuse.
func (w *Writer[T]) run(batch []*intent[T], start time.Time) []*intent[T] {
	n := len(batch)
	live := batch
	for len(live) > 0 {
		failed := -1
		err := w.update(func(tx T) error {
			failed = -1
			for i, in := range live {
				if err := in.call(tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			if err == nil && w.opt.AfterCommit != nil {
				w.opt.AfterCommit(len(live))
			}
			w.observe(n, start)
			for _, in := range live {
				in.err = err
				close(in.done)
			}
			return live
		}
		close(live[failed].done)
		live = append(live[:failed:failed], live[failed+1:]...)
	}
	w.observe(n, start)
	return live
}

func (w *Writer[T]) observe(intents int, start time.Time) {
	if w.opt.Observe != nil {
		w.opt.Observe(intents, time.Since(start))
	}
}

// call runs the function, keeping its error or panic for its caller.
func (in *intent[T]) call(tx T) (err error) {
	in.err, in.panicked = nil, nil
	defer func() {
		if p := recover(); p != nil {
			in.panicked = p
			err = fmt.Errorf("transaction function panicked: %v", p)
		}
	}()
	in.err = in.fn(tx)
	return in.err
}
