package replay

import (
	"context"
	"errors"

	"github.com/sprintguard/sprintguard/slackexport"
)

// readAhead is how many decoded messages may wait for the pipeline.
const readAhead = 4096

// errStopped ends the reader when the pipeline has failed.
var errStopped = errors.New("replay stopped")

// walkAhead walks exp on its own goroutine, so that decoding the export's
// JSON runs beside the pipeline, and calls fn for each message in order on
// the caller's goroutine. It returns the export's problems and the first
// error of either side.
func walkAhead(ctx context.Context, exp *slackexport.Export, fn func(context.Context, slackexport.Message) error) ([]slackexport.Problem, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	msgs := make(chan slackexport.Message, readAhead)
	type walked struct {
		problems []slackexport.Problem
		err      error
	}
	done := make(chan walked, 1)
	go func() {
		defer close(msgs)
		p, err := exp.Walk(func(m slackexport.Message) error {
			select {
			case msgs <- m:
				return nil
			case <-ctx.Done():
				return errStopped
			}
		})
		done <- walked{p, err}
	}()
	var fnErr error
	for m := range msgs {
		if fnErr == nil {
			if fnErr = ctx.Err(); fnErr == nil {
				fnErr = fn(ctx, m)
			}
			if fnErr != nil {
				cancel()
			}
		}
	}
	w := <-done
	switch {
	case fnErr != nil:
		return w.problems, fnErr
	case w.err != nil && !errors.Is(w.err, errStopped):
		return w.problems, w.err
	}
	return w.problems, nil
}
