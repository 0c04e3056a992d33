package triage_test

import (
	"fmt"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// A team whose jobs fill every read of the outbox but keep finishing is
// busy, not stuck: its jobs stay due, and the outbox empties without the
// clock moving. Moving them back (as for a team whose calls hang) pushed
// a burst of one team's jobs up to 30 s into the future while no other
// team was waiting, and the outbox stood idle.
func TestRunDoesNotMoveABusyTeamBack(t *testing.T) {
	f := newFixture(t)
	c := newCalls()
	w := &triage.Worker{Store: f.db, Now: f.clock.now, Workers: 4, TeamWorkers: 2, MaxScan: 64,
		Handlers: map[string]triage.Handler{jobCall: c.handle}}
	f.runPool(t, w)
	// One job finished: the team is known to make progress.
	f.queue(t, &triage.Job{Key: "first", Team: "slow"})
	w.Kick()
	c.release <- struct{}{}
	c.wait(t, "the first job", func() bool { return c.done["first"] })

	var burst []*triage.Job
	for i := range 150 {
		burst = append(burst, &triage.Job{Key: fmt.Sprintf("burst-%d", i), Team: "slow", RequestID: int64(1 + i)})
	}
	f.queue(t, burst...)
	w.Kick()
	for i := range burst {
		c.release <- struct{}{} // one call returns; the pool reads the outbox again
		if i%10 == 0 {
			for _, j := range f.jobs(t) {
				if j.NextAt.After(f.clock.now()) {
					t.Fatalf("after %d calls, job %s was moved to %v, though the team's jobs keep finishing", i+1, j.Key, j.NextAt)
				}
			}
		}
	}
	c.wait(t, "every job of the burst", func() bool {
		for _, j := range burst {
			if !c.done[j.Key] {
				return false
			}
		}
		return true
	})
}
