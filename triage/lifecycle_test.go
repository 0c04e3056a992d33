package triage_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

func TestLifecycleIsSafeToRepeat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.intake(t, triage.NewRequest{Summary: "deploy blocked on checkout"}).Request
	steps := []struct {
		change triage.Change
		status triage.Status
	}{
		{triage.Change{Actor: "UA", Action: triage.ActAcknowledge}, triage.StatusAcknowledged},
		{triage.Change{Actor: "UA", Action: triage.ActUrgency, Urgency: classifier.P1}, triage.StatusAcknowledged},
		{triage.Change{Actor: "UA", Action: triage.ActResolve, Actual: 5, HasActual: true}, triage.StatusResolved},
	}
	for _, s := range steps {
		t.Run(s.change.Action, func(t *testing.T) {
			f.clock.add(5 * time.Minute)
			got, changed, err := f.svc.Apply(ctx, r.ID, s.change)
			if err != nil || !changed || got.Status != s.status {
				t.Fatalf("first: err=%v changed=%v status=%s, want %s", err, changed, got.Status, s.status)
			}
			events := len(got.Events)
			again, changed, err := f.svc.Apply(ctx, r.ID, s.change)
			if err != nil || changed || len(again.Events) != events {
				t.Fatalf("second: err=%v changed=%v events %d -> %d, want no change", err, changed, events, len(again.Events))
			}
		})
	}
	got := f.request(t, r.ID)
	if got.AckedAt.Sub(got.CreatedAt) != 5*time.Minute || got.ResolvedAt.Sub(got.CreatedAt) != 15*time.Minute {
		t.Errorf("acked after %v, resolved after %v; want 5m and 15m", got.AckedAt.Sub(got.CreatedAt), got.ResolvedAt.Sub(got.CreatedAt))
	}
	if len(got.Overrides) != 1 || got.Overrides[0].From != classifier.P2 || got.Overrides[0].To != classifier.P1 || got.Urgency != classifier.P1 {
		t.Errorf("overrides %+v urgency %s, want one P2 -> P1", got.Overrides, got.Urgency)
	}
	f.db.View(func(tx triage.Tx) error {
		l, _ := tx.Ledger("platform", 23)
		if l.Used() != 5 {
			t.Errorf("ledger used %g after resolving with 5 spent, want 5 (the actual replaces the estimate 2)", l.Used())
		}
		return nil
	})
}

func TestLifecycleDeferReleasesBudget(t *testing.T) {
	f := newFixture(t)
	r := f.intake(t, triage.NewRequest{Summary: "deploy blocked on checkout"}).Request
	got, _, err := f.svc.Apply(context.Background(), r.ID, triage.Change{Actor: "UC", Action: triage.ActDeferReq})
	if err != nil || got.Status != triage.StatusDeferred || got.Sprint != 24 {
		t.Fatalf("defer: %v status %s sprint %d", err, got.Status, got.Sprint)
	}
	f.db.View(func(tx triage.Tx) error {
		l, _ := tx.Ledger("platform", 23)
		if l.Used() != 0 {
			t.Errorf("ledger used %g after deferring, want 0", l.Used())
		}
		return nil
	})
}

func TestLifecycleOnlyMembers(t *testing.T) {
	f := newFixture(t)
	r := f.intake(t, triage.NewRequest{Summary: "deploy blocked"}).Request
	_, _, err := f.svc.Apply(context.Background(), r.ID, triage.Change{Actor: "UPAY", Action: triage.ActAcknowledge})
	if triage.ErrorCode(err) != triage.EFORBIDDEN {
		t.Errorf("ack by a requester: %v, want forbidden", err)
	}
	if msg := triage.ErrorMessage(err); msg != "only members of team platform can change its requests" {
		t.Errorf("message %q", msg)
	}
	if _, _, err := f.svc.Apply(context.Background(), 999, triage.Change{Actor: "UA", Action: triage.ActAcknowledge}); !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("unknown request: %v, want not found", err)
	}
}

// flakyTracker fails the first failures calls, and can fail for good.
type flakyTracker struct {
	mu        sync.Mutex
	inner     triage.Tracker
	failures  int
	permanent bool
	calls     int
}

func (f *flakyTracker) Create(ctx context.Context, s triage.TicketSpec) (triage.Ticket, error) {
	f.mu.Lock()
	f.calls++
	fail := f.calls <= f.failures || f.permanent
	f.mu.Unlock()
	if f.permanent {
		return triage.Ticket{}, triage.Permanent(errors.New("field priority: unknown value"))
	}
	if fail {
		return triage.Ticket{}, errors.New("503 service unavailable")
	}
	return f.inner.Create(ctx, s)
}

func (f *flakyTracker) Update(ctx context.Context, key string, ch triage.TicketChange) error {
	return f.inner.Update(ctx, key, ch)
}

func TestWorkerRetriesUntilTheTrackerAnswers(t *testing.T) {
	f := newFixture(t)
	tr := &flakyTracker{inner: f.localTracker(), failures: 3}
	w := f.worker(tr, nil)
	r := f.intake(t, triage.NewRequest{Summary: "access to grafana please"}).Request
	for i := 0; i < 6; i++ {
		drain(t, w)
		f.clock.add(time.Minute)
	}
	got := f.request(t, r.ID)
	if got.Ticket.Key != "REQ-1" {
		t.Fatalf("ticket %q after the tracker came back, want REQ-1", got.Ticket.Key)
	}
	queued := 0
	for _, e := range got.Events {
		if e.Kind == "ticketed" {
			queued++
		}
	}
	if queued != 1 {
		t.Errorf("%d ticketed events, want 1", queued)
	}
	kinds := map[string]int{}
	for _, n := range f.notices {
		kinds[n.Kind]++
	}
	if kinds[triage.NoticeQueued] != 1 || kinds[triage.NoticeTicketed] != 1 || kinds[triage.NoticeOnCall] != 1 {
		t.Errorf("notices %v, want one each of queued, ticketed and oncall", kinds)
	}
	// The tracker was called once per attempt, and only the last made a ticket.
	if tr.calls != 4 {
		t.Errorf("tracker called %d times, want 4 (3 failures, 1 success)", tr.calls)
	}
	if n := countTickets(t, f); n != 1 {
		t.Errorf("%d tickets in the tracker, want 1", n)
	}
	// A crash after the tracker's answer but before the job was marked
	// done runs the job again: the idempotency key finds the first ticket.
	again, err := tr.inner.Create(context.Background(), triage.TicketSpec{IdempotencyKey: triage.JobCreateTicket + ":1", Summary: "again"})
	if err != nil || again.Key != "REQ-1" || countTickets(t, f) != 1 {
		t.Errorf("re-run create: %v %q, %d tickets; want REQ-1 and still one ticket", err, again.Key, countTickets(t, f))
	}
}

func countTickets(t *testing.T, f *fixture) int {
	t.Helper()
	n := 0
	if err := f.db.Tickets(func(local.Ticket) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWorkerFallsBackWhenTheTrackerRefuses(t *testing.T) {
	f := newFixture(t)
	tr := &flakyTracker{inner: f.localTracker(), permanent: true}
	w := f.worker(tr, f.localTracker())
	r := f.intake(t, triage.NewRequest{Summary: "access to grafana please"}).Request
	drain(t, w)
	got := f.request(t, r.ID)
	if got.Ticket.Key == "" {
		t.Fatal("no ticket after the tracker refused: the request was dropped")
	}
	if tr.calls != 1 {
		t.Errorf("the refusing tracker was called %d times, want 1 (a permanent error is not retried)", tr.calls)
	}
	var notices []string
	for _, n := range f.notices {
		if n.RequestID == r.ID {
			notices = append(notices, n.Kind)
		}
	}
	if !slices.Contains(notices, triage.NoticeFallback) || !slices.Contains(notices, triage.NoticeTicketed) {
		t.Errorf("notices %v, want the fallback explained and the ticket announced", notices)
	}
}

// The tracker adds each logged time to the ticket's total, so however a
// request comes to be resolved again (after a reopen, by a close read from
// the tracker, or stored before Request.Logged was kept) its ticket logs
// only what the total lacks of the time spent.
func TestResolvingAgainLogsOnlyWhatTheTicketLacks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	w := f.worker(f.localTracker(), nil)
	r := f.intake(t, triage.NewRequest{Summary: "deploy blocked on checkout"}).Request
	drain(t, w)
	key := f.request(t, r.ID).Ticket.Key
	apply := func(c triage.Change) {
		t.Helper()
		f.clock.add(time.Minute)
		if _, changed, err := f.svc.Apply(ctx, r.ID, c); err != nil || !changed {
			t.Fatalf("%s: changed %v, err %v", c.Action, changed, err)
		}
		drain(t, w)
	}
	worklog := func(step string, want ...float64) {
		t.Helper()
		tk, err := f.db.Ticket(key)
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		for _, w := range tk.Worklog {
			got = append(got, w.Amount)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("after %s the worklog is %v, want %v", step, got, want)
		}
	}
	resolve := func(spent float64) triage.Change {
		return triage.Change{Actor: "UA", Action: triage.ActResolve, Actual: spent, HasActual: true}
	}
	apply(resolve(3))
	apply(triage.Change{Actor: "UA", Action: triage.ActReopen})
	apply(resolve(5))
	worklog("a reopen and a resolve with 5", 3, 2)

	// Closed on the tracker with 4, an hour taken off its total there: the
	// tracker holds 4.
	apply(triage.Change{Actor: "sg:tracker", Action: triage.ActReopen, FromTracker: true})
	apply(triage.Change{Actor: "sg:tracker", Action: triage.ActResolve, Actual: 4, HasActual: true, FromTracker: true})
	apply(resolve(6))
	worklog("a close on the tracker with 4 and a correction to 6", 3, 2, 2)

	// A request stored before Logged was kept had its time spent logged.
	if err := f.db.Update(func(tx triage.Tx) error {
		got, err := tx.Request(r.ID)
		if err != nil {
			return err
		}
		got.Logged = 0
		return tx.PutRequest(got)
	}); err != nil {
		t.Fatal(err)
	}
	apply(resolve(7))
	worklog("a correction to 7 of a request without Logged", 3, 2, 2, 1)
}
