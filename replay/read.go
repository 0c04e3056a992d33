package replay

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/sprintguard/sprintguard/slackexport"
)

// batchSize is how many messages go to a preparing goroutine at a time,
// and readAhead how many batches may wait for the pipeline: enough to keep
// every CPU busy without holding much of the export in memory.
const (
	batchSize = 128
	readAhead = 8
)

// errStopped ends the reader when the pipeline has failed.
var errStopped = errors.New("replay stopped")

// batch is a run of messages in export order, prepared off the pipeline's
// goroutine; done is closed when every one is.
type batch struct {
	msgs []prepared
	done chan struct{}
}

// walkAhead walks exp on its own goroutine, so that decoding the export's
// JSON runs beside the pipeline, has prep work out what each message needs
// that depends on nothing but the message (on as many goroutines as there
// are CPUs), and calls fn for each prepared message in export order on the
// caller's goroutine. prep must be safe for concurrent use. It returns the
// export's problems and the first error of either side.
func walkAhead(ctx context.Context, exp *slackexport.Export, prep func(*prepared), fn func(context.Context, *prepared) error) ([]slackexport.Problem, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *batch, readAhead)
	order := make(chan *batch, readAhead)
	var workers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		workers.Go(func() {
			for b := range work {
				for i := range b.msgs {
					prep(&b.msgs[i])
				}
				close(b.done)
			}
		})
	}
	type walked struct {
		problems []slackexport.Problem
		err      error
	}
	done := make(chan walked, 1)
	// Batches fn is through with come back for the reader to fill again.
	free := make(chan *batch, 2*readAhead+2)
	go func() {
		defer close(order)
		defer close(work)
		var cur *batch
		send := func() error {
			// The batch takes its place in the order before any worker
			// can finish it; fn waits for it there.
			for _, ch := range []chan *batch{order, work} {
				select {
				case ch <- cur:
				case <-ctx.Done():
					return errStopped
				}
			}
			cur = nil
			return nil
		}
		p, err := exp.Walk(func(m slackexport.Message) error {
			if cur == nil {
				select {
				case cur = <-free:
					cur.msgs, cur.done = cur.msgs[:0], make(chan struct{})
				default:
					cur = &batch{msgs: make([]prepared, 0, batchSize), done: make(chan struct{})}
				}
			}
			cur.msgs = append(cur.msgs, prepared{m: m})
			if len(cur.msgs) == batchSize {
				return send()
			}
			return nil
		})
		if err == nil && cur != nil {
			err = send()
		}
		done <- walked{p, err}
	}()
	var fnErr error
	for b := range order {
		if fnErr != nil {
			continue
		}
		select {
		case <-b.done:
		case <-ctx.Done():
		}
		for i := range b.msgs {
			if fnErr = ctx.Err(); fnErr == nil {
				fnErr = fn(ctx, &b.msgs[i])
			}
			if fnErr != nil {
				cancel()
				break
			}
		}
		if fnErr == nil {
			// Let go of the messages' texts (and the files they may be cut
			// from) while the batch waits to be filled again.
			clear(b.msgs)
			select {
			case free <- b:
			default:
			}
		}
	}
	workers.Wait()
	w := <-done
	switch {
	case fnErr != nil:
		return w.problems, fnErr
	case w.err != nil && !errors.Is(w.err, errStopped):
		return w.problems, w.err
	}
	return w.problems, nil
}
