package replay

import "github.com/sprintguard/sprintguard/triage"

// countBatch is how many evicted requests go to the counting goroutine at
// a time: a drain evicts one or two, and a hand-over per drain would cost
// a goroutine wake-up for each.
const countBatch = 128

// counted is an evicted request and the builder that counts it.
type counted struct {
	b *teamBuild
	r *triage.Request
}

// counter adds evicted requests to their teams' builders on its own
// goroutine, so that the reports are built beside the intake instead of
// on its goroutine. A builder is only ever fed there, in the order the
// requests were handed over, which is each team's creation order; an
// evicted request is changed by nobody, so it can be read there.
type counter struct {
	buf  []counted
	work chan []counted
	done chan struct{}
}

func newCounter() *counter {
	work, done := make(chan []counted, 2), make(chan struct{})
	go func() {
		defer close(done)
		for batch := range work {
			for _, e := range batch {
				e.b.add(e.r)
			}
		}
	}()
	return &counter{work: work, done: done}
}

// add queues r for b, handing the queue over when it is full.
func (c *counter) add(b *teamBuild, r *triage.Request) {
	if c.buf == nil {
		c.buf = make([]counted, 0, countBatch)
	}
	c.buf = append(c.buf, counted{b, r})
	if len(c.buf) == countBatch {
		c.work <- c.buf
		c.buf = nil
	}
}

// wait hands over what is queued and returns once every request is
// counted. The counter takes no more after it; calling it again does
// nothing.
func (c *counter) wait() {
	if c.work == nil {
		return
	}
	if len(c.buf) > 0 {
		c.work <- c.buf
		c.buf = nil
	}
	close(c.work)
	c.work = nil
	<-c.done
}
