package bot

import (
	"context"
	"testing"
)

func TestProcessorsYieldWhileAcksBackUp(t *testing.T) {
	t.Run("below the backlog, at once", func(t *testing.T) {
		b := &Bot{}
		b.acks.Store(ackBacklog - 1)
		b.yield(context.Background())
	})
	t.Run("until the acknowledgements drain", func(t *testing.T) {
		b := &Bot{}
		done := b.acking()
		for range ackBacklog - 1 {
			b.acking()
		}
		yielded := make(chan struct{})
		go func() { b.yield(context.Background()); close(yielded) }()
		done()
		<-yielded
		if n := b.acks.Load(); n != ackBacklog-1 {
			t.Errorf("%d acknowledgements counted, want %d", n, ackBacklog-1)
		}
	})
	t.Run("until the processors stop", func(t *testing.T) {
		b := &Bot{}
		b.acks.Store(ackBacklog)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		b.yield(ctx)
	})
}
