package triage

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// queueStore is an outbox in memory, just enough of a Store for Run's
// rounds and chains, which counts the jobs DueJobs returns. It is safe
// for concurrent use.
type queueStore struct {
	mu   sync.Mutex
	jobs []*Job // in due order; all due
	read int
}

type queueTx struct {
	Tx // the rest of the state: not used by the pool
	s  *queueStore
}

func (s *queueStore) View(fn func(Tx) error) error   { return fn(queueTx{s: s}) }
func (s *queueStore) Update(fn func(Tx) error) error { return fn(queueTx{s: s}) }

func (tx queueTx) DueJobs(now time.Time, limit int) ([]*Job, error) {
	tx.s.mu.Lock()
	defer tx.s.mu.Unlock()
	var out []*Job
	for _, j := range tx.s.jobs {
		if limit > 0 && len(out) == limit {
			break
		}
		c := *j
		out = append(out, &c)
	}
	tx.s.read += len(out)
	return out, nil
}

func (tx queueTx) PutJob(j *Job) error {
	tx.s.mu.Lock()
	defer tx.s.mu.Unlock()
	for i, q := range tx.s.jobs {
		if q.ID == j.ID {
			c := *j
			tx.s.jobs[i] = &c
			return nil
		}
	}
	return fmt.Errorf("put job %s: %w", j.Key, ErrNotFound)
}

// TestARoundThatFillsATeamReadsOnce: a round that starts a team's jobs up
// to its limit, the rest of the outbox being that team's, asks for no
// second round at once, which would read the same jobs again before
// looking past them (as the round itself did) for nothing more to start;
// it starts no more than TeamWorkers of the team. Nor does a later round
// look past its first read again before a job is queued or the poll
// comes: the wide read found every due job, and none that could start.
func TestARoundThatFillsATeamReadsOnce(t *testing.T) {
	s := &queueStore{}
	for i := range 100 {
		s.jobs = append(s.jobs, &Job{ID: uint64(i + 1), Kind: "test.call", Key: fmt.Sprint("a-", i),
			Team: "a", RequestID: int64(i + 1)})
	}
	ctx, cancel := context.WithCancel(context.Background())
	at := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	w := &Worker{Store: s, Now: func() time.Time { return at }, Workers: 4, TeamWorkers: 2,
		Handlers: map[string]Handler{"test.call": func(ctx context.Context, j *Job) (func(Tx) error, error) {
			<-ctx.Done() // the team's calls hang
			return nil, ctx.Err()
		}}}
	p := w.newPool()
	rounds := 1
	for p.round(ctx) {
		if rounds++; rounds > 10 {
			break
		}
	}
	running := len(p.running)
	// The pause after a wide read (wideShare) over, a round with nothing
	// queued meanwhile reads no more than a first window: the last read
	// found every due job, and none that could start.
	p.wideUntil = time.Time{}
	p.lastRead = time.Time{} // nor does roundGap hold it back
	before := s.read
	p.round(ctx)
	again := s.read - before
	cancel()
	for len(p.running) > 0 {
		p.release(<-p.done)
	}
	p.stopRunners()
	first := 64 // max(64, 4 × Workers)
	t.Logf("%d rounds read %d jobs, a later one %d", rounds, before, again)
	if rounds != 1 || before >= 2*first+len(s.jobs) {
		t.Errorf("%d rounds read %d jobs; want one round, reading fewer than two first windows and the outbox (%d)", rounds, before, 2*first+len(s.jobs))
	}
	if again >= first {
		t.Errorf("a round after it, with nothing queued, read %d jobs; want fewer than a first window (%d)", again, first)
	}
	if running != 2 {
		t.Errorf("%d jobs started, want the team's 2", running)
	}
}
