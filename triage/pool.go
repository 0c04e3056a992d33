package triage

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Run drains the outbox until ctx ends, waiting up to poll between rounds
// when nothing is due. It performs up to Workers jobs at once: the jobs of
// one request one at a time and in order, and at most TeamWorkers of one
// team's, so that a team whose tracker or Slack calls hang leaves the
// other teams' jobs the rest. Each job is leased, in a committed
// transaction, before its handler runs; outcomes are recorded together
// in the transaction that leases the next jobs. When ctx ends Run lets the
// running handlers return, records their outcomes and returns.
func (w *Worker) Run(ctx context.Context, poll time.Duration) error {
	p := &pool{w: w, workers: w.Workers, perTeam: w.TeamWorkers,
		running: map[uint64]bool{}, shards: map[string]bool{}, teams: map[string]int{},
		deferred: map[string]time.Time{}, crowded: map[string]time.Time{}}
	if p.workers <= 0 {
		p.workers = 8
	}
	if p.perTeam <= 0 {
		p.perTeam = max(1, p.workers*3/4)
	}
	p.maxScan = w.MaxScan
	if p.maxScan <= 0 {
		p.maxScan = 16384
	}
	p.done = make(chan outcome, p.workers)
	return p.run(ctx, poll)
}

// pool is Run's state, owned by Run's goroutine; handlers run in their own
// goroutines and hand their outcomes back on done.
type pool struct {
	w                *Worker
	workers, perTeam int
	maxScan          int
	done             chan outcome

	running map[uint64]bool // leased and not yet recorded, by job id
	shards  map[string]bool // shards with a job running
	teams   map[string]int  // running jobs by team
	// deferred holds back the later jobs of a shard whose earlier job was
	// moved behind the others, until then, so they stay in order.
	deferred map[string]time.Time
	// crowded is when each team's due jobs began to fill a whole fetch
	// while the team had no room; how long decides how far they move.
	crowded map[string]time.Time
}

// shardOf names the lane a job runs in: its request's, so that a request's
// effects keep their order, or its own for jobs about no request.
func shardOf(j *Job) string {
	if j.RequestID != 0 {
		return "r" + strconv.FormatInt(j.RequestID, 10)
	}
	return "k" + j.Key
}

func (p *pool) run(ctx context.Context, poll time.Duration) error {
	kick := p.w.kicks()
	t := time.NewTicker(poll)
	defer t.Stop()
	var finished []outcome
	for {
		finished = p.collect(finished)
		if ctx.Err() != nil {
			for len(finished) < len(p.running) {
				finished = append(finished, <-p.done)
			}
			p.record(finished)
			return nil
		}
		more := p.round(ctx, finished)
		finished = finished[:0]
		if more {
			continue
		}
		select {
		case <-ctx.Done():
		case o := <-p.done:
			finished = p.gather(append(finished, o))
		case <-t.C:
		case <-kick:
		}
	}
}

// gatherFor is how long a finished job waits for others to finish, so that
// their outcomes share one commit (one fsync) instead of one each.
const gatherFor = 2 * time.Millisecond

// gather adds the outcomes that arrive within gatherFor, or until every
// running job has finished.
func (p *pool) gather(finished []outcome) []outcome {
	t := time.NewTimer(gatherFor)
	defer t.Stop()
	for len(finished) < len(p.running) {
		select {
		case o := <-p.done:
			finished = append(finished, o)
		case <-t.C:
			return finished
		}
	}
	return finished
}

// collect adds the outcomes already waiting, without blocking.
func (p *pool) collect(finished []outcome) []outcome {
	for {
		select {
		case o := <-p.done:
			finished = append(finished, o)
		default:
			return finished
		}
	}
}

// plan is what one round decided, applied once its transaction commits.
type plan struct {
	start    []*Job
	attempts []*Attempt
	deferred map[string]time.Time
	full     bool // the fetch came back full: more may be due
}

// round records finished outcomes and leases the next jobs in one
// transaction, then starts them. It reports whether another round should
// follow at once (there was room and more may be due).
func (p *pool) round(ctx context.Context, finished []outcome) bool {
	now := p.w.Now()
	var pl plan
	err := p.w.Store.Update(func(tx Tx) error {
		for _, o := range finished {
			if err := p.w.finish(tx, o.j, o.commit, o.err, o.at); err != nil {
				return fmt.Errorf("finish job %s: %w", o.j.Key, err)
			}
		}
		var err error
		pl, err = p.lease(tx, now)
		return err
	})
	if err != nil && len(finished) > 0 {
		// One outcome that cannot be recorded must not hold back the
		// others: record each alone, then lease alone.
		p.record(finished)
		finished = nil
		err = p.w.Store.Update(func(tx Tx) error {
			var err error
			pl, err = p.lease(tx, now)
			return err
		})
	}
	p.release(finished)
	if err != nil {
		if ctx.Err() == nil {
			p.w.log().Error("outbox round failed", "err", err)
		}
		return false
	}
	for shard, until := range p.deferred {
		if !until.After(now) {
			delete(p.deferred, shard)
		}
	}
	for shard, until := range pl.deferred {
		p.deferred[shard] = until
	}
	for i, j := range pl.start {
		p.running[j.ID] = true
		p.shards[shardOf(j)] = true
		p.teams[j.Team]++
		go func(j *Job, a *Attempt) { p.done <- p.w.runLeased(ctx, j, a) }(j, pl.attempts[i])
	}
	return pl.full && (len(pl.start) > 0 || len(pl.deferred) > 0) && len(p.running) < p.workers
}

// lease picks the due jobs that may start now and marks them leased in tx.
// A job waits while its shard has a job running or held back, and while
// its team has no room. When the waiting jobs fill a whole read, the read
// grows (up to MaxScan jobs) to reach the other teams' jobs behind them;
// when even that is full, the full teams' jobs are moved behind the
// others for a while.
func (p *pool) lease(tx Tx, now time.Time) (plan, error) {
	pl := plan{deferred: map[string]time.Time{}}
	free := p.workers - len(p.running)
	if free <= 0 {
		return pl, nil
	}
	var follow, full []*Job // jobs following a moved one; jobs of full teams
	for window := max(64, 4*p.workers); ; window = min(4*window, p.maxScan) {
		due, err := tx.DueJobs(now, window)
		if err != nil {
			return pl, fmt.Errorf("read outbox: %w", err)
		}
		pl.full = len(due) == window
		pl.start, follow, full = p.pick(due, now, free)
		if len(pl.start) > 0 || !pl.full || len(full) == 0 || window >= p.maxScan {
			break
		}
	}
	for _, j := range follow {
		// An earlier job of this shard was moved: this one follows it.
		j.NextAt = p.deferred[shardOf(j)]
		if err := tx.PutJob(j); err != nil {
			return pl, fmt.Errorf("hold job %s: %w", j.Key, err)
		}
	}
	for _, j := range pl.start {
		pl.attempts = append(pl.attempts, attemptFor(j))
		j.Leased = true
		if err := tx.PutJob(j); err != nil {
			return pl, fmt.Errorf("lease job %s: %w", j.Key, err)
		}
	}
	if !pl.full || len(pl.start) > 0 || len(full) == 0 {
		clear(p.crowded)
		return pl, nil
	}
	// The widest read is all jobs that cannot start: move the full teams'
	// jobs back, longer the longer the crowding lasts.
	for _, j := range full {
		since, ok := p.crowded[j.Team]
		if !ok {
			since = now
			p.crowded[j.Team] = now
		}
		until := now.Add(min(max(now.Sub(since), time.Second), 30*time.Second))
		j.NextAt = until
		if err := tx.PutJob(j); err != nil {
			return pl, fmt.Errorf("hold job %s: %w", j.Key, err)
		}
		pl.deferred[shardOf(j)] = until
	}
	return pl, nil
}

// pick chooses, in order, up to free jobs of due that may start, and
// returns those that must follow a moved job of their shard and those
// whose team has no room.
func (p *pool) pick(due []*Job, now time.Time, free int) (start, follow, full []*Job) {
	held := map[string]bool{}
	teams := map[string]int{}
	for _, j := range due {
		if p.running[j.ID] {
			continue
		}
		shard := shardOf(j)
		if until, ok := p.deferred[shard]; ok && until.After(now) {
			follow = append(follow, j)
			continue
		}
		if p.shards[shard] || held[shard] {
			held[shard] = true
			continue
		}
		held[shard] = true
		if p.teams[j.Team]+teams[j.Team] >= p.perTeam {
			full = append(full, j)
			continue
		}
		if len(start) < free {
			teams[j.Team]++
			start = append(start, j)
		}
	}
	return start, follow, full
}

// record commits outcomes one transaction each; an outcome whose commit
// fails is recorded as a failed attempt instead.
func (p *pool) record(finished []outcome) {
	for _, o := range finished {
		err := p.w.Store.Update(func(tx Tx) error { return p.w.finish(tx, o.j, o.commit, o.err, o.at) })
		if err != nil {
			p.w.log().Error("outbox job result not recorded; it will run again", "job", o.j.Key, "err", err)
			err = p.w.Store.Update(func(tx Tx) error {
				return p.w.finish(tx, o.j, nil, fmt.Errorf("record result: %w", err), o.at)
			})
			if err != nil {
				p.w.log().Error("outbox job failure not recorded", "job", o.j.Key, "err", err)
			}
		}
	}
	p.release(finished)
}

// release frees the lanes of recorded jobs.
func (p *pool) release(finished []outcome) {
	for _, o := range finished {
		if !p.running[o.j.ID] {
			continue
		}
		delete(p.running, o.j.ID)
		delete(p.shards, shardOf(o.j))
		if p.teams[o.j.Team]--; p.teams[o.j.Team] <= 0 {
			delete(p.teams, o.j.Team)
		}
	}
}
