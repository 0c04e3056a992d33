package triage_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var chicago = mustZone("America/Chicago")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testTeam is team "platform": budget 20% of 50 points = 10 points, sprints of
// two weeks from Monday 2026-01-05, weekly rotation A, B, C handing off on
// Mondays at 10:00 Chicago time.
func testTeam(t *testing.T) *triage.Team {
	t.Helper()
	rules, err := classifier.Compile([]classifier.Rule{
		{Name: "outage", Any: []string{"down", "outage"}, Urgency: classifier.P1, Category: "incident", Estimate: 3,
			SLA: classifier.SLA{Ack: 15 * time.Minute, Resolve: 4 * time.Hour}},
		{Name: "deploy-blocked", All: []string{"deploy"}, Any: []string{"blocked", "stuck"}, Urgency: classifier.P2, Category: "deploy", Estimate: 2},
		{Name: "access", Any: []string{"access"}, Urgency: classifier.P3, Category: "access", Estimate: 1},
		{Name: "question", Any: []string{"how do i"}, Urgency: classifier.P4, Category: "question"},
		{Name: "default", Default: true, Urgency: classifier.P3, Category: "other", Estimate: 2},
	}, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &triage.Team{
		Name: "platform", Channel: "C0PLATFORM", Location: chicago,
		Members: []string{"UA", "UA", "UC"}, Leads: []string{"ULEAD"},
		IntakeChannels: []string{"C0HELP", "platform-help"}, OptOut: ":speech_balloon:",
		DuplicateWindow: 30 * time.Minute, DefaultEstimate: 1, Rules: rules,
		Rotation: oncall.Rotation{Team: "platform", Members: []string{"UA", "UA", "UC"}, ShiftDays: 7,
			Handoff: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, Location: chicago,
			Start: time.Date(2026, 1, 5, 0, 0, 0, 0, chicago)},
		Hours: oncall.BusinessHours{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
			Start: oncall.Clock{Hour: 9}, End: oncall.Clock{Hour: 18}, Location: chicago},
		Calendar: sprint.Calendar{Start: time.Date(2026, 1, 5, 0, 0, 0, 0, chicago), LengthDays: 14, Location: chicago},
		Budget:   sprint.Budget{Capacity: 50, Fraction: 0.2, Unit: "points", Thresholds: []float64{0.5, 0.8, 1}},
	}
}

type fixture struct {
	mu      sync.Mutex
	notices []triage.Notice // handled by the worker's notify handler

	db    *store.DB
	svc   *triage.Service
	clock *clock
	team  *triage.Team
}

// newFixture starts at Tuesday 2026-11-17 10:00 Chicago, in sprint 23
// (2026-11-09 to 2026-11-22), with UA on call (handoff 45 since 2026-01-05).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2026, 11, 17, 10, 0, 0, 0, chicago)}
	team := testTeam(t)
	svc := triage.NewService(db, &triage.Settings{Teams: []*triage.Team{team},
		Groups: map[string][]string{"payments": {"UPAY"}}}, c.now)
	return &fixture{db: db, svc: svc, clock: c, team: team}
}

func (f *fixture) intake(t *testing.T, in triage.NewRequest) *triage.IntakeResult {
	t.Helper()
	if in.Channel == "" {
		in.Channel, in.ChannelName = "C0HELP", "platform-help"
	}
	if in.User == "" {
		in.User = "UPAY"
	}
	res, err := f.svc.Intake(context.Background(), in)
	if err != nil {
		t.Fatalf("Intake(%q): %v", in.Summary, err)
	}
	return res
}

func (f *fixture) request(t *testing.T, id int64) *triage.Request {
	t.Helper()
	var r *triage.Request
	if err := f.db.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.Request(id)
		return err
	}); err != nil {
		t.Fatalf("request %d: %v", id, err)
	}
	return r
}

func (f *fixture) jobs(t *testing.T) []*triage.Job {
	t.Helper()
	var js []*triage.Job
	if err := f.db.View(func(tx triage.Tx) error {
		var err error
		js, err = tx.DueJobs(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 10000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return js
}

func (f *fixture) worker(tr triage.Tracker, fallback triage.Tracker) *triage.Worker {
	h := f.svc.TicketHandlers(tr, fallback)
	h[triage.JobNotify] = func(_ context.Context, j *triage.Job) (func(triage.Tx) error, error) {
		var n triage.Notice
		if err := json.Unmarshal(j.Payload, &n); err != nil {
			return nil, triage.Permanent(err)
		}
		f.mu.Lock()
		f.notices = append(f.notices, n)
		f.mu.Unlock()
		return nil, nil
	}
	return &triage.Worker{Store: f.db, Handlers: h, Now: f.clock.now}
}

func (f *fixture) localTracker() *local.Tracker { return local.New(f.db, "REQ", "") }

// drain runs the worker until nothing is due at the fixture's time.
func drain(t *testing.T, w *triage.Worker) {
	t.Helper()
	for i := 0; i < 100; i++ {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("outbox never drained")
}
