package triage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Run drains the outbox until ctx ends, waiting up to poll between rounds
// when nothing is due. It performs up to Workers jobs at once: the jobs of
// one request one at a time and in order, and at most TeamWorkers of one
// team's, so that a team whose tracker or Slack calls hang leaves the
// other teams' jobs the rest. Due jobs are read in a read-only
// transaction; each job is leased, in a committed transaction, before its
// handler runs, and each handler's goroutine records its outcome itself,
// so that the store's writer can commit the leases and outcomes of many
// jobs (and whatever else is written meanwhile) together. When ctx ends
// Run lets the running handlers return and record their outcomes, and
// returns.
func (w *Worker) Run(ctx context.Context, poll time.Duration) error {
	return w.newPool().run(ctx, poll)
}

// newPool returns Run's state for w, with the defaults of Workers,
// TeamWorkers and MaxScan applied.
func (w *Worker) newPool() *pool {
	p := &pool{w: w, workers: w.Workers, perTeam: w.TeamWorkers,
		running: map[uint64]bool{}, shards: map[shard]bool{}, teams: map[string]int{},
		deferred: map[shard]time.Time{}, crowded: map[string]time.Time{}, active: map[string]time.Time{},
		seen: map[string]bool{}, held: map[shard]bool{}, picked: map[string]int{}}
	if p.workers <= 0 {
		p.workers = DefaultWorkers
	}
	if p.perTeam <= 0 {
		p.perTeam = max(1, p.workers*3/4)
	}
	p.maxScan = w.MaxScan
	if p.maxScan <= 0 {
		p.maxScan = 16384
	}
	p.done = make(chan outcome, p.workers)
	p.leases = newLeases(w)
	p.runners = newRunners()
	p.wake = time.NewTimer(roundGap)
	p.wake.Stop()
	return p
}

// DefaultWorkers is how many jobs Worker.Run performs at once unless told
// otherwise. A job's every step waits for a group commit, so the jobs under
// way are what fills a commit: 32 left the writer fsyncing small batches
// while a core stood idle after a burst.
const DefaultWorkers = 256

// pool is Run's state, owned by Run's goroutine; handlers run on the
// runners' goroutines (a chain at a time), which record their outcomes and
// then hand the chain's first job back on done.
type pool struct {
	w                *Worker
	workers, perTeam int
	maxScan          int
	done             chan outcome
	leases           *leases
	runners          runners

	running map[uint64]bool // chains not yet finished, by their first job's id
	shards  map[shard]bool  // shards with a job running
	teams   map[string]int  // running jobs by team
	// deferred holds back the later jobs of a shard whose earlier job was
	// moved behind the others, until then, so they stay in order.
	deferred map[shard]time.Time
	// crowded is when each team's due jobs began to fill a whole fetch
	// while the team had no room; how long decides how far they move.
	crowded map[string]time.Time
	// active is when a chain of each team last started or finished, by
	// Now: a team whose jobs finish is busy, not stuck, and its jobs are
	// not moved back (see busyFor). A start counts too: until a chain has
	// run for busyFor it is not hung, and a team's first finish (after a
	// restart, or as a burst begins) can reach Run only after the round
	// that finds its jobs filling the read.
	active map[string]time.Time
	// wideUntil is when a read for the teams not seen yet may be made
	// again after one that started nothing, or that went past the first
	// window after jobs started (see plan.wideIdle and wideShare).
	wideUntil time.Time
	// drained is set when a wide read read every due job and found none
	// that could start, and cleared by a kick or the poll: until then
	// another wide read would find the same.
	drained bool
	// reach is how far into its read the last round found what it
	// started, which sizes the next round's first read (see nextWindow).
	reach int
	// seen is the teams of the jobs the last read offered (see
	// nextWindow).
	seen map[string]bool
	// lastRead is when the last round read the outbox, and wake fires
	// when a round held back by roundGap may read.
	lastRead time.Time
	wake     *time.Timer
	// held and picked are pick's scratch maps, kept between rounds so
	// that a round allocates less.
	held   map[shard]bool
	picked map[string]int
}

// wideShare bounds the time spent on reads past the first window that
// start nothing: after such a read (and the moves it made), the next waits
// for wideShare times as long as it took. When one team's jobs fill the
// outbox, every round would otherwise read and decode up to MaxScan jobs
// to find no other team's, once per finished job.
const wideShare = 10

// roundGap is the least time between two rounds' reads. Every job queued
// kicks Run and every chain that ends frees a worker, and each round reads
// again the jobs running at the head of the due index: spaced so, a round
// starts together what came due or was freed meanwhile, and a job waits
// at most roundGap more. After a pause the first round reads at once.
const roundGap = 2 * time.Millisecond

// busyFor is how recently one of a team's chains must have started or
// finished for the team to count as busy rather than stuck. Moving a busy team's due
// jobs back only idles its workers when they come to an end, and a burst
// of one team's requests was pushed up to 30 s into the future that way,
// tens of thousands of jobs at a time, while nothing else was waiting.
const busyFor = 2 * time.Second

// shard names the lane a job runs in. A round looks up the shard of every
// due job it reads, hundreds a round, so it is built without allocating.
type shard struct {
	request int64  // the job's request, or 0
	key     string // for a job about no request, its key
}

// shardOf is j's lane: its request's, so that a request's effects keep
// their order, or its own for jobs about no request.
func shardOf(j *Job) shard {
	if j.RequestID != 0 {
		return shard{request: j.RequestID}
	}
	return shard{key: j.Key}
}

func (p *pool) run(ctx context.Context, poll time.Duration) error {
	kick := p.w.kicks()
	t := time.NewTicker(poll)
	defer t.Stop()
	// The leases are kept until the last running handler's outcome is
	// recorded, after ctx ends too.
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		p.leases.run(stop)
	}()
	defer func() {
		close(stop)
		<-stopped
	}()
	defer p.wake.Stop()
	defer p.stopRunners()
	for {
		p.collect()
		if ctx.Err() != nil {
			for len(p.running) > 0 {
				p.release(<-p.done)
			}
			return nil
		}
		if p.round(ctx) {
			continue
		}
		select {
		case <-ctx.Done():
		case o := <-p.done:
			p.release(o)
		case <-t.C:
			p.drained = false // jobs may have come due
		case <-kick:
			p.drained = false // jobs were queued
		case <-p.wake.C:
		}
	}
}

// collect frees the lanes of the jobs whose outcomes are recorded, without
// blocking.
func (p *pool) collect() {
	for {
		select {
		case o := <-p.done:
			p.release(o)
		default:
			return
		}
	}
}

// plan is what one round decided: the jobs to lease and start, and those
// to move, written in one transaction before any of them starts.
type plan struct {
	start    []*Job
	attempts []*Attempt
	moved    []*Job // jobs whose NextAt moves: held back or following
	deferred map[shard]time.Time
	next     map[shard][]*Job // by shard: the jobs that follow each started one
	full     bool             // the fetch came back full: more may be due
	wide     bool             // the read went on for the teams not seen yet
	// wideIdle is set when the wide reads started nothing, or went past
	// the first window after the round had started some: the next waits
	// (see wideShare).
	wideIdle bool
}

// round reads the due jobs, leases those that may start now and starts
// them. It reports whether another round should follow at once (there was
// room and more may be due).
func (p *pool) round(ctx context.Context) bool {
	free := p.workers - len(p.running)
	if free <= 0 {
		return false
	}
	if wait := roundGap - time.Since(p.lastRead); wait > 0 {
		p.wake.Reset(wait)
		return false
	}
	now := p.w.Now()
	began := time.Now()
	p.lastRead = began
	var pl plan
	err := p.w.Store.View(func(tx Tx) error {
		var err error
		pl, err = p.lease(tx, now, free)
		return err
	})
	var taken map[uint64]bool // jobs of pl.start that could not be leased
	if err == nil && (len(pl.start) > 0 || len(pl.moved) > 0) {
		// Only Run's goroutine changes a queued job (handlers change only
		// their own, which no read of this round offers), so the jobs read
		// are still as read.
		err = p.w.Store.Update(func(tx Tx) error {
			for _, j := range pl.moved {
				if err := tx.PutJob(j); err != nil {
					return fmt.Errorf("hold job %s: %w", j.Key, err)
				}
			}
			taken = nil // the store may run this function again
			for _, j := range pl.start {
				switch err := tx.PutJob(j); {
				case errors.Is(err, ErrNotFound):
					// Done meanwhile, or another replica's now: not ours to run.
					if taken == nil {
						taken = map[uint64]bool{}
					}
					taken[j.ID] = true
				case err != nil:
					return fmt.Errorf("lease job %s: %w", j.Key, err)
				}
			}
			return nil
		})
	}
	if err == nil && taken != nil {
		pl.dropTaken(taken)
	}
	if err != nil {
		if ctx.Err() == nil {
			p.w.log().Error("outbox round failed", "err", err)
		}
		return false
	}
	if pl.wideIdle {
		p.wideUntil = time.Now().Add(wideShare * time.Since(began))
	}
	for lane, until := range p.deferred {
		if !until.After(now) {
			delete(p.deferred, lane)
		}
	}
	for lane, until := range pl.deferred {
		p.deferred[lane] = until
	}
	for i, j := range pl.start {
		lane := shardOf(j)
		p.running[j.ID] = true
		p.shards[lane] = true
		p.teams[j.Team]++
		p.active[j.Team] = now
		p.start(ctx, chainTask{j: j, a: pl.attempts[i], next: pl.next[lane], read: began})
	}
	// A round that started what its read offered, as far as it could
	// read, would read the same again: only jobs moved back, or leases
	// another replica took first, leave something a new read may find.
	return pl.full && (len(pl.deferred) > 0 || taken != nil) && len(p.running) < p.workers
}

// dropTaken removes from the plan the jobs that could not be leased.
func (pl *plan) dropTaken(taken map[uint64]bool) {
	var start []*Job
	var attempts []*Attempt
	for i, j := range pl.start {
		if !taken[j.ID] {
			start = append(start, j)
			attempts = append(attempts, pl.attempts[i])
		}
	}
	pl.start, pl.attempts = start, attempts
}

// lease picks the due jobs that may start now, up to free, and plans
// their lease; it reads tx and writes nothing. A job waits while its shard
// has a job running or held back, and while its team has no room. The
// first read is sized to what the last round needed (see nextWindow).
// While it comes back full and more may start, the read grows: to the
// first window (4 × Workers, at least 64) for a team seen with room, and
// for the teams not seen (at most wideShare of the time), and, while
// nothing more starts and the waiting jobs are a full team's, past it
// (up to MaxScan jobs, as wide reads) to reach the other teams' jobs
// behind them. When even that is full and nothing starts, the full
// teams' jobs are moved behind the others for a while.
func (p *pool) lease(tx Tx, now time.Time, free int) (plan, error) {
	pl := plan{deferred: map[shard]time.Time{}}
	var follow, full []*Job // jobs following a moved one; jobs of full teams
	first := max(64, 4*p.workers)
	// A read past what the teams seen with room may need is for the teams
	// not seen yet: a wide read, which the last one that started nothing
	// holds back for a while.
	wideOK := !p.drained && !time.Now().Before(p.wideUntil)
	window := min(first, p.nextWindow(free))
	narrow := 0 // jobs started from reads no wider than the teams seen needed
	deep := false
read:
	for {
		due, err := tx.DueJobs(now, window)
		if err != nil {
			return pl, fmt.Errorf("read outbox: %w", err)
		}
		pl.full = len(due) == window
		var room bool
		pl.start, follow, full, pl.next, room = p.pick(due, now, free)
		if !pl.wide {
			narrow = len(pl.start)
		}
		if len(pl.start) >= free || !pl.full || window >= p.maxScan {
			break
		}
		switch {
		case window < first && room:
			// A team seen has room, and may have more jobs behind: read
			// as far as the first window, as every round once did.
			window = first
		case wideOK && window < first:
			// Only the teams not seen yet can start more: a wide read.
			pl.wide = true
			window = first
		case wideOK && len(pl.start) == narrow && len(full) > 0:
			// Full teams' jobs fill the read: look past them. After
			// some jobs started, this is the read a new round would
			// make at once, and it counts against wideShare whatever
			// it finds, so that a team at its limit with another's
			// jobs far behind its own does not make every round wide.
			deep = deep || narrow > 0
			pl.wide = true
			window = min(4*window, p.maxScan)
		default:
			if !wideOK && len(pl.start) == 0 {
				// The last wide read found only full teams, a moment
				// ago: nothing is moved back before the next.
				full = nil
			}
			break read
		}
	}
	pl.wideIdle = pl.wide && (len(pl.start) == narrow || deep)
	if pl.wide && !pl.full && len(pl.start) == narrow {
		// The wide read reached the last due job and found no team with
		// room: none will be there before a job is queued or comes due.
		p.drained = true
	}
	for _, j := range follow {
		// An earlier job of this shard was moved: this one follows it.
		j.NextAt = p.deferred[shardOf(j)]
		pl.moved = append(pl.moved, j)
	}
	for _, j := range pl.start {
		pl.attempts = append(pl.attempts, attemptFor(j))
		j.Leased = true
	}
	if !pl.full || len(pl.start) > 0 || len(full) == 0 {
		clear(p.crowded)
		return pl, nil
	}
	// The widest read is all jobs that cannot start: move the full teams'
	// jobs back, longer the longer the crowding lasts, unless the team
	// is busy: its own jobs start as its chains finish.
	for _, j := range full {
		if at, ok := p.active[j.Team]; ok && now.Sub(at) < busyFor {
			continue
		}
		since, ok := p.crowded[j.Team]
		if !ok {
			since = now
			p.crowded[j.Team] = now
		}
		until := now.Add(min(max(now.Sub(since), time.Second), 30*time.Second))
		j.NextAt = until
		pl.moved = append(pl.moved, j)
		pl.deferred[shardOf(j)] = until
	}
	return pl, nil
}

// nextWindow is how many due jobs a round reads first: as far as the last
// round's read had to go to its last job started (the jobs before it,
// running or waiting, are mostly still there), and room behind it for a
// few jobs of each request that may start: as many as free workers, or
// fewer when the teams the last read saw have less room (one more, for a
// team not seen).
func (p *pool) nextWindow(free int) int {
	n := free
	if len(p.seen) > 0 {
		room := 1
		for team := range p.seen {
			room += max(0, p.perTeam-p.teams[team])
		}
		n = min(free, room)
	}
	return max(16, p.reach+4*n+8)
}

// pick chooses, in order, up to free jobs of due that may start, and
// returns those that must follow a moved job of their shard, those whose
// team has no room, by shard the jobs that follow each one chosen, and
// whether a team of due's jobs still has room (more of its jobs may start
// past due's end). It sets p.reach and p.seen.
func (p *pool) pick(due []*Job, now time.Time, free int) (start, follow, full []*Job, next map[shard][]*Job, room bool) {
	held := p.held
	clear(held)
	teams := p.picked
	clear(teams)
	clear(p.seen)
	next = map[shard][]*Job{}
	p.reach = len(due)
	for i, j := range due {
		if p.running[j.ID] {
			continue
		}
		p.seen[j.Team] = true
		lane := shardOf(j)
		if until, ok := p.deferred[lane]; ok && until.After(now) {
			follow = append(follow, j)
			continue
		}
		if p.shards[lane] || held[lane] {
			if f, ok := next[lane]; ok && len(f) < maxChain {
				next[lane] = append(f, j)
				p.reach = i + 1
			}
			held[lane] = true
			continue
		}
		held[lane] = true
		if p.teams[j.Team]+teams[j.Team] >= p.perTeam {
			full = append(full, j)
			continue
		}
		if len(start) < free {
			teams[j.Team]++
			start = append(start, j)
			next[lane] = nil
			p.reach = i + 1
		}
	}
	if len(start) == 0 {
		p.reach = len(due)
	}
	for team := range p.seen {
		if p.teams[team]+teams[team] < p.perTeam {
			room = true
		}
	}
	return start, follow, full, next, room
}

// Bounds of a chain: the jobs of one shard that a worker runs one after
// the other, each leased in the transaction that records the outcome of
// the one before, so that a request's jobs cost one commit each instead
// of two, and wait for no round of Run.
const (
	// maxChain is how many jobs may follow the one a round starts.
	maxChain = 16
	// chainFor is how long after the read the chain's jobs may still be
	// leased: a store shared by replicas holds what a read returned for a
	// while only (store/postgres: a minute).
	chainFor = 10 * time.Second
)

// chain runs j and, while each run succeeds, the jobs next that followed
// it in its shard when they were read, then hands j back on done. Each
// job's lease is kept from before Yield until its outcome is recorded; a
// run whose lease another replica took records nothing and ends the chain.
func (p *pool) chain(ctx context.Context, j *Job, a *Attempt, next []*Job, read time.Time) {
	first := j
	for {
		jctx := p.leases.hold(ctx, j)
		if p.w.Yield != nil {
			p.w.Yield(jctx)
		}
		o := p.w.run(jctx, j, a)
		if p.leases.settle(j) {
			p.leases.drop(j)
			break
		}
		if o.err != nil || len(next) == 0 || ctx.Err() != nil || time.Since(read) >= chainFor {
			p.w.record(o)
			p.leases.drop(j)
			break
		}
		n := next[0]
		next = next[1:]
		na := attemptFor(n)
		leased, err := p.w.recordAndLease(o, n)
		if err != nil {
			p.w.log().Warn("outbox job result not recorded with the next job's lease; recording it alone", "job", o.j.Key, "err", err)
			p.w.record(o)
		}
		p.leases.drop(j)
		if err != nil {
			break
		}
		if !leased {
			break
		}
		j, a = n, na
	}
	p.done <- outcome{j: first}
}

// release frees the lane of a job whose outcome is recorded.
func (p *pool) release(o outcome) {
	if !p.running[o.j.ID] {
		return
	}
	delete(p.running, o.j.ID)
	delete(p.shards, shardOf(o.j))
	p.active[o.j.Team] = p.w.Now()
	if p.teams[o.j.Team]--; p.teams[o.j.Team] <= 0 {
		delete(p.teams, o.j.Team)
	}
}
