package report_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

func TestLoad(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, loc) }
	tests := []struct {
		name       string
		sprintDays int
		start      time.Time // sprint 1's first day
		want       []int64   // ids Load returns
	}{
		// Two-week sprints: the trend's first week (from 28 Sep) bounds the scan.
		{"trend is the widest", 14, day(time.November, 16), []int64{3, 4, 5, 6}},
		// A 12-week sprint from 31 Aug starts before the trend does.
		{"sprint starts before the trend", 84, day(time.August, 31), []int64{2, 3, 4, 5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{})
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			team := &triage.Team{Name: "platform", Location: loc,
				Calendar: sprint.Calendar{Start: tt.start, LengthDays: tt.sprintDays, Location: loc},
				Budget:   sprint.Budget{Capacity: 60, Fraction: 0.2, Unit: "points"}}
			put := func(id int64, teamName string, at time.Time) *triage.Request {
				return &triage.Request{ID: id, Team: teamName, User: "U1", UserName: "alice", Summary: "help",
					CreatedAt: at, Urgency: classifier.P3, Outcome: triage.Accepted, Status: triage.StatusOpen,
					Decision: classifier.Decision{Urgency: classifier.P3, Rule: "default",
						SLA: classifier.SLA{Ack: 15 * time.Minute}},
					Estimate: 1, Sprint: team.Calendar.At(at).N}
			}
			reqs := []*triage.Request{
				put(1, "platform", day(time.August, 30)),                       // before both
				put(2, "platform", day(time.September, 1)),                     // in a long sprint only
				put(3, "platform", day(time.September, 28).Add(-10*time.Hour)), // trend's first Monday 00:00
				put(4, "platform", day(time.October, 20)),
				put(5, "platform", day(time.November, 17)),
				put(6, "platform", time.Date(2026, 11, 22, 23, 59, 0, 0, loc)),
				put(7, "platform", time.Date(2026, 11, 23, 0, 0, 0, 0, loc)), // after the week
				put(8, "other", day(time.November, 17)),
			}
			if err := db.Update(func(tx triage.Tx) error {
				for _, r := range reqs {
					if err := tx.PutRequest(r); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatalf("put: %v", err)
			}
			week, err := report.ParseWeek("2026-W47", loc)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
			d, err := report.Load(db, team, week, now)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var ids []int64
			for _, r := range d.Requests {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("loaded %v, want %v", ids, tt.want)
			}
			if d.Team != team || d.Week != week || !d.Now.Equal(now) {
				t.Errorf("Data = %+v", d)
			}
			w := report.Compute(d)
			if w.ThisWeek.Requests != 2 || w.ThisWeek.SLABreaches.Ack != 2 || w.Trend[0].Week != "2026-W40" {
				t.Errorf("computed week %d requests, %d ack breaches, trend from %s", w.ThisWeek.Requests,
					w.ThisWeek.SLABreaches.Ack, w.Trend[0].Week)
			}
		})
	}
}

// brokenStore fails every transaction.
type brokenStore struct{}

var errDisk = errors.New("disk on fire")

func (brokenStore) Update(func(triage.Tx) error) error { return errDisk }
func (brokenStore) View(func(triage.Tx) error) error   { return errDisk }

func TestLoadErrors(t *testing.T) {
	week := report.WeekOf(time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC), time.UTC)
	if _, err := report.Load(brokenStore{}, &triage.Team{Name: "platform"}, week, time.Time{}); !errors.Is(err, errDisk) {
		t.Errorf("Load on a failing store: %v, want it to wrap %v", err, errDisk)
	}
	if _, err := report.Load(brokenStore{}, nil, week, time.Time{}); !errors.Is(err, report.ErrNoTeam) {
		t.Errorf("Load without a team: %v, want ErrNoTeam", err)
	}
}

// TestSelectMatchesLoad checks that the in-memory twin of Load picks the
// same requests for every week of a stream.
func TestSelectMatchesLoad(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	team := &triage.Team{Name: "platform", Location: loc,
		Calendar: sprint.Calendar{Start: time.Date(2026, 1, 5, 0, 0, 0, 0, loc), LengthDays: 14, Location: loc},
		Budget:   sprint.Budget{Capacity: 60, Fraction: 0.2, Unit: "points"}}
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var all []*triage.Request
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, loc)
	for i := 0; i < 150; i++ {
		at := start.Add(time.Duration(i) * 17 * time.Hour)
		all = append(all, &triage.Request{ID: int64(i + 1), Team: team.Name, User: "U1", Summary: "x",
			CreatedAt: at, Urgency: classifier.P3, Status: triage.StatusOpen, Sprint: team.Calendar.At(at).N,
			Decision: classifier.Decision{Urgency: classifier.P3, Rule: "default"}})
	}
	if err := db.Update(func(tx triage.Tx) error {
		for _, r := range all {
			if err := tx.PutRequest(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for w := report.WeekOf(start, loc); w.Start.Before(start.AddDate(0, 0, 110)); w = report.WeekOf(w.End, loc) {
		t.Run(w.Label(), func(t *testing.T) {
			loaded, err := report.Load(db, team, w, w.End)
			if err != nil {
				t.Fatal(err)
			}
			sel := report.Select(team, all, w, w.End)
			if len(loaded.Requests) != len(sel.Requests) || len(sel.Requests) == 0 {
				t.Fatalf("Load %d requests, Select %d", len(loaded.Requests), len(sel.Requests))
			}
			for i := range sel.Requests {
				if sel.Requests[i].ID != loaded.Requests[i].ID {
					t.Fatalf("request %d: Select %d, Load %d", i, sel.Requests[i].ID, loaded.Requests[i].ID)
				}
			}
		})
	}
}
