package triage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// hungTracker is a tracker whose calls for one team hang until released,
// as a team's Jira project behind a stuck proxy would; the other teams'
// go to the local tracker at once. It is safe for concurrent use.
type hungTracker struct {
	triage.Tracker
	team    string
	release chan struct{}

	mu           sync.Mutex
	hung, most   int
	createdTeams map[string]int
}

func (h *hungTracker) Create(ctx context.Context, spec triage.TicketSpec) (triage.Ticket, error) {
	if spec.Team == h.team {
		h.mu.Lock()
		h.hung++
		h.most = max(h.most, h.hung)
		h.mu.Unlock()
		defer func() { h.mu.Lock(); h.hung--; h.mu.Unlock() }()
		select {
		case <-h.release:
		case <-ctx.Done():
			return triage.Ticket{}, ctx.Err()
		}
	}
	t, err := h.Tracker.Create(ctx, spec)
	if err == nil {
		h.mu.Lock()
		h.createdTeams[spec.Team]++
		h.mu.Unlock()
	}
	return t, err
}

// TestAHungTrackerOfOneTeamStallsNoOther: while every ticket call of one
// team hangs, that team holds no more than its share of the outbox
// workers and the other team's requests are all ticketed; once the calls
// come back, each of the hung team's requests gets its one ticket too.
func TestAHungTrackerOfOneTeamStallsNoOther(t *testing.T) {
	f := newFixture(t)
	data := testTeam(t)
	data.Name, data.Channel, data.IntakeChannels = "data", "C0DATA", []string{"C0DATAHELP", "data-help"}
	data.Rotation.Team = "data"
	f.svc.Reload(&triage.Settings{Teams: []*triage.Team{f.team, data}})
	// The hung team's requests come first: their jobs are the oldest.
	var hungIDs, dataIDs []int64
	for i := range 12 {
		hungIDs = append(hungIDs, f.intake(t, triage.NewRequest{Summary: fmt.Sprintf("please look at build %d", i),
			EventKey: fmt.Sprint("EvP", i), TS: fmt.Sprintf("1.%04d", i)}).Request.ID)
	}
	for i := range 6 {
		dataIDs = append(dataIDs, f.intake(t, triage.NewRequest{Channel: "C0DATAHELP", ChannelName: "data-help",
			Summary: fmt.Sprintf("please look at table %d", i), EventKey: fmt.Sprint("EvD", i), TS: fmt.Sprintf("2.%04d", i)}).Request.ID)
	}
	tr := &hungTracker{Tracker: f.localTracker(), team: f.team.Name, release: make(chan struct{}), createdTeams: map[string]int{}}
	w := f.worker(tr, nil)
	w.Workers, w.TeamWorkers = 4, 2
	f.runPool(t, w)

	ticketed := func(ids []int64) bool {
		for _, id := range ids {
			if f.request(t, id).Ticket.Key == "" {
				return false
			}
		}
		return true
	}
	waitFor(t, 20*time.Second, "the other team's tickets", func() bool { return ticketed(dataIDs) })
	tr.mu.Lock()
	if tr.most > 2 || tr.hung != 2 {
		t.Errorf("the hung team held %d workers at most, %d now; want at most its 2, both hung", tr.most, tr.hung)
	}
	tr.mu.Unlock()

	close(tr.release)
	// Jobs moved back come due as time passes; the clock moves only when told.
	waitFor(t, 20*time.Second, "the hung team's tickets", func() bool {
		if ticketed(hungIDs) {
			return true
		}
		f.clock.add(31 * time.Second)
		w.Kick()
		return false
	})
	n := 0
	if err := f.db.Tickets(func(local.Ticket) error { n++; return nil }); err != nil || n != len(hungIDs)+len(dataIDs) {
		t.Errorf("%d tickets (%v), want one per request, %d", n, err, len(hungIDs)+len(dataIDs))
	}
}

// waitFor polls cond every 20 ms for up to limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
	}
}
