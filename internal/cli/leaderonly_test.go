package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// fakeLeader is a jobs.Leader a test flips.
type fakeLeader struct{ on atomic.Bool }

func (l *fakeLeader) Leading() bool { return l.on.Load() }

// beats hands a test each wait of the code under test, by its duration:
// receiving a wait means the code has finished what came before it. Once
// quit is closed, waits are no longer handed over (and never end).
type beats struct {
	waits map[time.Duration]chan chan time.Time
	quit  <-chan struct{}
}

func newBeats(quit <-chan struct{}, ds ...time.Duration) beats {
	b := beats{waits: map[time.Duration]chan chan time.Time{}, quit: quit}
	for _, d := range ds {
		b.waits[d] = make(chan chan time.Time)
	}
	return b
}

func (b beats) after(d time.Duration) <-chan time.Time {
	c := make(chan time.Time)
	select {
	case b.waits[d] <- c:
	case <-b.quit:
	}
	return c
}

// next returns the code's next wait of d, failing t if it never comes.
func (b beats) next(t *testing.T, d time.Duration) chan time.Time {
	t.Helper()
	select {
	case c := <-b.waits[d]:
		return c
	case <-time.After(30 * time.Second):
		t.Fatalf("no wait of %v came", d)
		return nil
	}
}

// TestWhileLeading runs work only while the replica leads: not before it
// leads, once however long it leads, stopped (and waited for) when it
// stops leading, again when it leads anew, and stopped when serve stops.
func TestWhileLeading(t *testing.T) {
	lead := &fakeLeader{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := newBeats(ctx.Done(), leaderPoll)
	var runs, stops atomic.Int32
	started := make(chan struct{}, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		whileLeading(ctx, lead, b.after, func(ctx context.Context) {
			runs.Add(1)
			started <- struct{}{}
			<-ctx.Done()
			stops.Add(1)
		})
	}()
	look := func(leading bool) {
		t.Helper()
		w := b.next(t, leaderPoll)
		lead.on.Store(leading)
		w <- time.Time{}
	}
	look(false)
	if n := runs.Load(); n != 0 {
		t.Fatalf("work ran %d times before this replica led", n)
	}
	look(true)
	<-started
	look(true)
	look(false)
	w := b.next(t, leaderPoll) // the look that stopped the work has finished
	if r, s := runs.Load(), stops.Load(); r != 1 || s != 1 {
		t.Fatalf("after leading for two looks and stepping down: %d runs, %d stopped; want 1 and 1", r, s)
	}
	lead.on.Store(true)
	w <- time.Time{}
	<-started
	cancel()
	<-done
	if r, s := runs.Load(), stops.Load(); r != 2 || s != 2 {
		t.Errorf("after leading again and stopping: %d runs, %d stopped; want 2 and 2", r, s)
	}
}

// TestWhileLeadingWithoutElection: with no election (one bolt process)
// the work runs at once until serve stops.
func TestWhileLeadingWithoutElection(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		whileLeading(ctx, nil, nil, func(ctx context.Context) { close(ran); <-ctx.Done() })
	}()
	<-ran
	cancel()
	<-done
}

// TestScheduleRefreshLeaderOnly has two replicas share one store and one
// iCal team: the leader fetches the feed and keeps the schedule; the
// follower fetches nothing and routes by what the leader kept, loaded
// from the store; once the follower leads, it fetches.
func TestScheduleRefreshLeaderOnly(t *testing.T) {
	dir := t.TempDir()
	feed := writeFile(t, dir, "oncall.ics", feedOf("ann@example.com"))
	cfg, _ := loadRig(t, writeFile(t, dir, "sprintguard.yaml", fmt.Sprintf(`storage: {path: %s}
people: [{slack: U0ANN, email: ann@example.com}]
teams:
  - name: platform
    timezone: America/Chicago
    oncall:
      source: ical
      ical: {url: %q, refresh: 5m}
      escalate_to: U0LEAD
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`, filepath.Join(dir, "sg.db"), "file:"+feed)))
	clock := func() time.Time { return rigNow }
	db, err := store.Open(cfg.Storage.Path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	var stops []func()
	defer func() { // before the store closes
		cancel()
		for _, stop := range stops {
			stop()
		}
	}()

	// replica starts one replica's refresher, counting its fetches.
	replica := func(lead *fakeLeader, after func(time.Duration) <-chan time.Time) (*triage.Service, chan string) {
		_, st := loadRig(t, cfg.Path)
		svc := triage.NewService(db, st, clock)
		fetched := make(chan string, 8)
		s := &schedules{ctx: ctx, db: db, svc: svc, now: clock, log: log, lead: lead, after: after,
			observe: func(team, kind string, err error, unmapped int) { fetched <- fmt.Sprint(team, " ", err) }}
		s.start(cfg)
		stops = append(stops, s.stop)
		return svc, fetched
	}
	route := func(svc *triage.Service) string {
		cur := svc.Settings()
		_, to := cur.OnCall(cur.Team("platform"), rigNow, nil)
		return to
	}

	leaderBeats := newBeats(ctx.Done(), leaderPoll, followerLoad)
	leading := &fakeLeader{}
	leading.on.Store(true)
	_, leaderFetched := replica(leading, leaderBeats.after)
	if got := <-leaderFetched; got != "platform <nil>" {
		t.Fatalf("the leader's fetch: %s", got)
	}

	b := newBeats(ctx.Done(), leaderPoll, followerLoad)
	follower := &fakeLeader{}
	svc, fetched := replica(follower, b.after)
	look := b.next(t, leaderPoll) // the follower looked and did not lead
	if got := route(svc); got == "U0ANN" {
		t.Fatalf("the follower routes to %s before it loaded the leader's schedule", got)
	}
	b.next(t, followerLoad) <- rigNow
	b.next(t, followerLoad) // the load has finished
	if got := route(svc); got != "U0ANN" {
		t.Errorf("the follower routes to %q after loading the leader's schedule, want U0ANN", got)
	}
	select {
	case got := <-fetched:
		t.Fatalf("the follower fetched the feed (%s): only the leader should", got)
	default:
	}
	follower.on.Store(true)
	look <- rigNow
	select {
	case got := <-fetched:
		if got != "platform <nil>" {
			t.Errorf("the new leader's fetch: %s", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the follower, now leading, never fetched the feed")
	}
}
