package triage

import (
	"context"
	"sync"
	"time"
)

// runners are the goroutines that run the pool's chains. A chain once ran
// on a goroutine of its own, whose stack then grew through the handler's
// calls (the store's reads, slack-go's encoding, net/http) one copy at a
// time, every frame walked at each copy: 3 to 5% of serve's CPU while a
// burst drained. A runner keeps its grown stack from one chain to the
// next (the garbage collector may halve it while it idles), and there are
// at most Workers of them, one per chain that may run at once.
type runners struct {
	tasks chan chainTask // to an idle runner
	stop  chan struct{}  // closed when Run returns
	n     int            // runners started, read and written by Run's goroutine only
	wg    sync.WaitGroup
}

// chainTask is the arguments of one chain.
type chainTask struct {
	j    *Job
	a    *Attempt
	next []*Job
	read time.Time
}

func newRunners() runners {
	return runners{tasks: make(chan chainTask), stop: make(chan struct{})}
}

// start runs t's chain on an idle runner, or on a new one while fewer
// than p.workers have been started. With p.workers started and a chain to
// start, fewer than p.workers chains run, so a runner has handed its chain
// back on done and is about to take another: the send waits only for it.
func (p *pool) start(ctx context.Context, t chainTask) {
	if p.runners.n < p.workers {
		select {
		case p.runners.tasks <- t:
			return
		default:
		}
		p.runners.n++
		p.runners.wg.Add(1)
		go p.runner(ctx, t)
		return
	}
	p.runners.tasks <- t
}

// runner runs t's chain, then each chain it is handed, until Run returns.
func (p *pool) runner(ctx context.Context, t chainTask) {
	defer p.runners.wg.Done()
	for {
		p.chain(ctx, t.j, t.a, t.next, t.read)
		select {
		case t = <-p.runners.tasks:
		case <-p.runners.stop:
			return
		}
	}
}

// stopRunners ends the idle runners once no chain runs, and waits for them.
func (p *pool) stopRunners() {
	close(p.runners.stop)
	p.runners.wg.Wait()
}
