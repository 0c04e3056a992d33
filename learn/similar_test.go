package learn_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

type world struct {
	db     *store.DB
	svc    *triage.Service
	worker *triage.Worker
	at     time.Time
}

// newWorld is team "platform" with one rule (estimate 1 hour for
// anything), UA on call, and the similar lookup on.
func newWorld(t *testing.T, learned bool) *world {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules, err := classifier.Compile([]classifier.Rule{{Name: "default", Default: true, Urgency: classifier.P3, Category: "other", Estimate: 1}}, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	team := &triage.Team{Name: "platform", Members: []string{"UA"}, Location: time.UTC, Rules: rules, DefaultEstimate: 1,
		NoLearnedEstimates: !learned,
		Rotation:           oncall.Rotation{Team: "platform", Members: []string{"UA"}, ShiftDays: 7, Location: time.UTC, Start: start},
		Hours:              oncall.BusinessHours{Location: time.UTC},
		Calendar:           sprint.Calendar{Start: start, LengthDays: 14, Location: time.UTC},
		Budget:             sprint.Budget{Capacity: 100, Fraction: 1, Unit: "hours"},
		Policy:             triage.Policy{P3: triage.Action("accept")},
	}
	w := &world{db: db, at: time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)}
	w.svc = triage.NewService(db, &triage.Settings{Teams: []*triage.Team{team}}, func() time.Time { return w.at })
	w.svc.Silent = true
	w.svc.Finder = learn.NewFinder(db)
	h := w.svc.TicketHandlers(local.New(db, "REQ", "").WithClock(func() time.Time { return w.at }), nil)
	maps.Copy(h, w.svc.SimilarHandlers())
	w.worker = &triage.Worker{Store: db, Handlers: h, Now: func() time.Time { return w.at }}
	return w
}

func (w *world) ask(t *testing.T, summary string) *triage.Request {
	t.Helper()
	w.at = w.at.Add(time.Minute)
	res, err := w.svc.Intake(context.Background(), triage.NewRequest{Team: "platform", User: "UREQ", Summary: summary})
	if err != nil {
		t.Fatal(err)
	}
	for {
		n, err := w.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	var r *triage.Request
	w.db.View(func(tx triage.Tx) error { r, err = tx.Request(res.Request.ID); return err })
	return r
}

func (w *world) resolve(t *testing.T, id int64, spent float64) {
	t.Helper()
	if _, _, err := w.svc.Apply(context.Background(), id, triage.Change{Actor: "UA", Action: triage.ActResolve, Actual: spent, HasActual: true}); err != nil {
		t.Fatal(err)
	}
}

func TestSimilarRequestsTeachTheEstimate(t *testing.T) {
	w := newWorld(t, true)
	w.ask(t, "please bump the quota of the analytics bucket")
	for i, spent := range []float64{4, 1, 2} {
		r := w.ask(t, fmt.Sprintf("VPN certificate expired on laptop %d", i))
		w.resolve(t, r.ID, spent)
	}
	r := w.ask(t, "my VPN certificate expired")
	if len(r.Similar) != learn.Shown || r.Similar[0].Resolver != "UA" || !r.Similar[0].HasActual {
		t.Fatalf("similar %+v, want three resolved by UA", r.Similar)
	}
	for _, s := range r.Similar {
		if s.ID == 1 {
			t.Errorf("the quota request is among the similar ones: %+v", r.Similar)
		}
	}
	if r.Estimate != 2 || r.RuleEstimate != 1 {
		t.Errorf("estimate %g (rule's %g), want the median 2 instead of 1", r.Estimate, r.RuleEstimate)
	}
	// The refs oldest first, as the issue writes them, whatever the order
	// of the matches.
	if want := "estimate 2h: median of " + ref(t, w, 2) + ", " + ref(t, w, 3) + ", " + ref(t, w, 4); r.EstimateWhy != want {
		t.Errorf("why %q, want %q", r.EstimateWhy, want)
	}
	w.db.View(func(tx triage.Tx) error {
		led, err := tx.Ledger("platform", r.Sprint)
		if err != nil {
			t.Fatal(err)
		}
		if c := led.Charges[r.IDString()]; c.Estimate != 2 {
			t.Errorf("ledger charge %+v, want the learned 2", c)
		}
		return nil
	})
}

func TestLearnedEstimatesNeedThreeAndCanBeOff(t *testing.T) {
	t.Run("two resolved", func(t *testing.T) {
		w := newWorld(t, true)
		for i := range 2 {
			w.resolve(t, w.ask(t, fmt.Sprintf("VPN certificate expired %d", i)).ID, 5)
		}
		if r := w.ask(t, "VPN certificate expired"); r.Estimate != 1 || r.EstimateWhy != "" || len(r.Similar) != 2 {
			t.Errorf("estimate %g %q similar %d, want the rule's 1 and two similar", r.Estimate, r.EstimateWhy, len(r.Similar))
		}
	})
	t.Run("off", func(t *testing.T) {
		w := newWorld(t, false)
		for i := range 3 {
			w.resolve(t, w.ask(t, fmt.Sprintf("VPN certificate expired %d", i)).ID, 5)
		}
		if r := w.ask(t, "VPN certificate expired"); r.Estimate != 1 || len(r.Similar) != 3 {
			t.Errorf("estimate %g similar %d, want the rule's 1 and three similar", r.Estimate, len(r.Similar))
		}
	})
}

// TestSimilarFindsRequestsWhoseOwnLookupNeverRan: a request a rule's
// answer solved, or one another replica looked up, has no lookup in this
// Finder; the next lookup indexes it all the same, and a retried lookup
// counts nothing twice.
func TestSimilarFindsRequestsWhoseOwnLookupNeverRan(t *testing.T) {
	w := newWorld(t, true)
	first := w.ask(t, "VPN certificate expired on laptop 1")
	finder := w.svc.Finder
	w.svc.Finder = nil // no lookup queued, as for an answered request
	unseen := w.ask(t, "VPN certificate expired on laptop 2")
	w.svc.Finder = finder
	r := w.ask(t, "my VPN certificate expired")
	var ids []int64
	for _, s := range r.Similar {
		ids = append(ids, s.ID)
	}
	if len(ids) != 2 || !slices.Contains(ids, first.ID) || !slices.Contains(ids, unseen.ID) {
		t.Errorf("similar %v, want %d and %d", ids, first.ID, unseen.ID)
	}
	again, err := finder.Find(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Similar) != 2 {
		t.Errorf("a retried lookup found %+v, want the same two", again.Similar)
	}
}

// ref is how request id is known in the world's store.
func ref(t *testing.T, w *world, id int64) string {
	t.Helper()
	var r *triage.Request
	if err := w.db.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.Request(id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return triage.Ref(r)
}
