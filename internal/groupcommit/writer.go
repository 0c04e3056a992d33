// Package groupcommit runs the write transactions of many goroutines on
// one writer goroutine, several to a transaction, so that one commit (one
// fsync) serves them all. It knows nothing of the database: it wraps any
// Update(func(T) error) error, bbolt's or a SQL driver's alike.
package groupcommit

import (
	"errors"
	"fmt"
	"slices"
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
	// MaxBesideUrgent is the most ordinary intents a batch takes while
	// urgent ones wait, or the last batch held some, and the most a
	// transaction runs once an urgent intent has joined it (the others
	// wait for the next); <= 0 means 8. It bounds how long an urgent
	// intent waits behind heavy ordinary work.
	MaxBesideUrgent int
	// UrgentLull is how long after the last commit that held an urgent
	// intent batches still take at most MaxBesideUrgent ordinary ones;
	// 0 means 10ms, < 0 only the batch right after it. While
	// acknowledgements keep coming, a commit of a few hundred ordinary
	// intents (and its many pages to write) is what the next one would
	// wait for; bulk work goes on in small commits instead, and in large
	// ones again once they stop.
	UrgentLull time.Duration
	// AfterCommit, if set, is called on the writer goroutine after each
	// successful commit, before any of its callers is told, with how many
	// intents it held and how many of those were urgent: the crash tests
	// kill the process there, once acknowledgements are on disk.
	AfterCommit func(intents, urgent int)
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
	urgent chan *intent[T]
	exited chan struct{}
}

// intent is one caller's transaction function and, once run, its result.
type intent[T any] struct {
	urgent   bool
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
	if opt.MaxBesideUrgent <= 0 {
		opt.MaxBesideUrgent = 8
	}
	if opt.UrgentLull == 0 {
		opt.UrgentLull = 10 * time.Millisecond
	}
	w := &Writer[T]{update: update, opt: opt, queue: make(chan *intent[T], 2*opt.MaxBatch),
		urgent: make(chan *intent[T], 2*opt.MaxBatch), exited: make(chan struct{})}
	go w.loop()
	return w
}

// Update runs fn in a transaction shared with other callers' functions and
// returns fn's own error, or the commit's. A panic in fn is re-raised here,
// in the caller's goroutine.
func (w *Writer[T]) Update(fn func(T) error) error {
	return w.send(w.queue, fn, false)
}

// Urgent runs fn as Update does, but ahead of the ordinary intents: it
// joins the next transaction whatever is queued before it, and even the
// transaction under way if that has not committed yet, and while urgent
// intents come, transactions take only a few ordinary ones
// (Options.MaxBesideUrgent). It is for writes someone waits on, such as an
// acknowledgement that must not queue behind bulk work. Urgent is safe for
// concurrent use.
func (w *Writer[T]) Urgent(fn func(T) error) error {
	return w.send(w.urgent, fn, true)
}

func (w *Writer[T]) send(q chan *intent[T], fn func(T) error, urgent bool) error {
	in := &intent[T]{urgent: urgent, fn: fn, done: make(chan struct{})}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	q <- in
	w.mu.RUnlock()
	<-in.done
	if in.panicked != nil {
		panic(in.panicked)
	}
	return in.err
}

// Queued returns how many intents wait for the writer goroutine to take
// them. It is safe for concurrent use.
func (w *Writer[T]) Queued() int { return len(w.queue) + len(w.urgent) }

// Close runs what was queued before it, then stops the writer goroutine.
// Later Updates fail with ErrClosed. Close is safe to call twice.
func (w *Writer[T]) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
		close(w.urgent)
	}
	w.mu.Unlock()
	<-w.exited
}

func (w *Writer[T]) loop() {
	defer close(w.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	batch := make([]*intent[T], 0, w.opt.MaxBatch)
	// carry holds the ordinary intents the last transaction put off for
	// an urgent one (see run): they go first in the next.
	var carry []*intent[T]
	l := lanes[T]{urgent: w.urgent, queue: w.queue}
	last, lastUrgent := 0, false
	var urgentAt time.Time // the last commit that held an urgent intent
	for l.urgent != nil || l.queue != nil || len(carry) > 0 {
		batch = append(batch[:0], carry...)
		carry = carry[:0]
		if len(batch) == 0 {
			first, closed, _ := l.next(true, true, nil)
			if closed {
				continue
			}
			batch = append(batch, first)
		}
		nUrgent, nOrdinary := 0, 0
		for _, in := range batch {
			if in.urgent {
				nUrgent++
			} else {
				nOrdinary++
			}
		}
		// Waiting only pays when others write too: the last batch says
		// whether they do. Under load, what arrives during a commit is
		// the next batch anyway.
		wait := last > 1
		if wait {
			timer.Reset(w.opt.MaxDelay)
		}
		for len(batch) < w.opt.MaxBatch {
			// Urgent intents join first, then ordinary ones, fewer of
			// them while urgent ones come.
			ordinary := (nUrgent == 0 && !lastUrgent) || nOrdinary < w.opt.MaxBesideUrgent
			in, closed, timedOut := l.next(ordinary, wait, timer.C)
			if closed {
				continue
			}
			if timedOut {
				wait = false
			}
			if in == nil {
				break
			}
			batch = append(batch, in)
			if in.urgent {
				nUrgent++
			} else {
				nOrdinary++
			}
		}
		if wait {
			timer.Stop() // since Go 1.23, no stale tick is left to drain
		}
		batch, carry = w.run(batch, l.urgent, carry)
		last, lastUrgent = len(batch), false
		for _, in := range batch {
			lastUrgent = lastUrgent || in.urgent
		}
		if lastUrgent {
			urgentAt = time.Now()
		} else if w.opt.UrgentLull > 0 && !urgentAt.IsZero() {
			// Still in the lull after the last urgent commit: the next
			// batch stays small as if this one had held urgent intents.
			lastUrgent = time.Since(urgentAt) < w.opt.UrgentLull
		}
		clear(batch)
	}
}

// lanes are the writer's two queues, as its goroutine sees them: a
// closed one is set to nil, so that it is no longer received from.
type lanes[T any] struct {
	urgent, queue chan *intent[T]
}

// next returns the next intent, an urgent one first, and ordinary ones
// only if ordinary. What is queued already is taken even when timeout has
// fired meanwhile (a select with both ready picks either). When nothing
// is queued it returns nil at once, or with block waits for an intent or
// for timeout (nil: for an intent). closed reports a lane found closed:
// the caller asks again.
func (l *lanes[T]) next(ordinary, block bool, timeout <-chan time.Time) (in *intent[T], closed, timedOut bool) {
	queue := l.queue
	if !ordinary {
		queue = nil
	}
	var ok bool
	select {
	case in, ok = <-l.urgent:
		return l.got(in, ok, &l.urgent)
	default:
	}
	select {
	case in, ok = <-l.urgent:
		return l.got(in, ok, &l.urgent)
	case in, ok = <-queue:
		return l.got(in, ok, &l.queue)
	default:
	}
	if !block {
		return nil, false, false
	}
	select {
	case in, ok = <-l.urgent:
		return l.got(in, ok, &l.urgent)
	case in, ok = <-queue:
		return l.got(in, ok, &l.queue)
	case <-timeout:
		return nil, false, true
	}
}

// got is next's answer for a receive from lane.
func (l *lanes[T]) got(in *intent[T], ok bool, lane *chan *intent[T]) (*intent[T], bool, bool) {
	if !ok {
		*lane = nil
		return nil, true, false
	}
	return in, false, false
}

// run commits batch, re-running it without each function that fails
// until the rest commits (or there is nothing left). Urgent intents that
// arrive while the batch runs join it before its commit, and run as soon
// as they arrive. A transaction that holds an urgent intent runs at most
// Options.MaxBesideUrgent ordinary ones: the ordinary intents it has not
// run yet are put off, appended to carry for the next transaction, so
// that an acknowledgement that arrives during a large batch waits for
// the work done so far, not for the whole batch. It returns the batch,
// grown, for reuse, and carry.
func (w *Writer[T]) run(batch []*intent[T], urgent chan *intent[T], carry []*intent[T]) ([]*intent[T], []*intent[T]) {
	live := batch
	for len(live) > 0 {
		failed := -1
		err := w.update(func(tx T) error {
			failed = -1
			holdsUrgent, ordinary := false, 0
			for i := 0; ; i++ {
				// Late urgent intents: the commit is still to come.
				if in := w.late(urgent, len(live)); in != nil {
					live = slices.Insert(live, i, in)
				}
				if i == len(live) {
					return nil
				}
				in := live[i]
				if in.urgent {
					holdsUrgent = true
				} else if ordinary++; holdsUrgent && ordinary > w.opt.MaxBesideUrgent {
					// Put off the ordinary intents not run yet; the
					// urgent ones among them stay.
					keep := live[:i]
					for _, rest := range live[i:] {
						if rest.urgent {
							keep = append(keep, rest)
						} else {
							carry = append(carry, rest)
						}
					}
					live = keep
					ordinary--
					i--
					continue
				}
				if err := in.call(tx); err != nil {
					failed = i
					return err
				}
			}
		})
		if failed < 0 {
			if err == nil && w.opt.AfterCommit != nil {
				urgent := 0
				for _, in := range live {
					if in.urgent {
						urgent++
					}
				}
				w.opt.AfterCommit(len(live), urgent)
			}
			for _, in := range live {
				in.err = err
				close(in.done)
			}
			return live, carry
		}
		close(live[failed].done)
		live = append(live[:failed:failed], live[failed+1:]...)
	}
	return live, carry
}

// late returns an urgent intent that is waiting, if the batch, n intents
// so far, has room for it.
func (w *Writer[T]) late(urgent chan *intent[T], n int) *intent[T] {
	if urgent == nil || n >= w.opt.MaxBatch {
		return nil
	}
	select {
	case in, ok := <-urgent:
		if ok {
			return in
		}
	default:
	}
	return nil
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
