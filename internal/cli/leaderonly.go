package cli

import (
	"context"
	"time"

	"github.com/sprintguard/sprintguard/jobs"
)

// leaderPoll is how often background work that only the leader does
// looks whether this replica leads: about as often as the election
// itself moves (postgres.ElectorOptions.Retry).
const leaderPoll = 3 * time.Second

// whileLeading runs work for as long as lead says this replica leads, and
// again each time it leads anew, until ctx ends: the tracker syncs, the
// schedule refreshes and the purges, which on PostgreSQL would otherwise
// run on every replica at once (each Jira search, iCal fetch and purge N
// times). work gets a context that ends when this replica stops leading,
// and whileLeading waits for it to return before it looks again, so that
// two replicas' runs overlap at most by the election's own margin. A nil
// lead (one bolt process) always leads. after replaces time.After for
// the waits between looks (nil: time.After), for tests.
func whileLeading(ctx context.Context, lead jobs.Leader, after func(time.Duration) <-chan time.Time, work func(context.Context)) {
	if lead == nil {
		work(ctx)
		return
	}
	if after == nil {
		after = time.After
	}
	var stop func()
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	for {
		switch leading := lead.Leading(); {
		case leading && stop == nil:
			wctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); work(wctx) }()
			stop = func() { cancel(); <-done }
		case !leading && stop != nil:
			stop()
			stop = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-after(leaderPoll):
		}
	}
}
