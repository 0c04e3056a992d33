package report

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// TestTrendAcrossDST puts requests on both sides of week boundaries next to
// Chicago's daylight-saving changes: a trend built from 168-hour steps would
// put some of them in the wrong week.
func TestTrendAcrossDST(t *testing.T) {
	cdt := time.FixedZone("CDT", -5*3600)
	cst := time.FixedZone("CST", -6*3600)
	tests := []struct {
		name   string
		week   string
		at     []time.Time
		labels []string // labels of the last three trend weeks
		counts []int    // their counts
	}{
		{"fall back", "2026-W45", []time.Time{
			time.Date(2026, 10, 25, 23, 59, 0, 0, cdt), // Sun: W43
			time.Date(2026, 10, 26, 0, 0, 0, 0, cdt),   // Mon 00:00: W44
			time.Date(2026, 11, 1, 1, 30, 0, 0, cdt),   // first 01:30: W44
			time.Date(2026, 11, 1, 1, 30, 0, 0, cst),   // second 01:30: W44
			time.Date(2026, 11, 1, 23, 30, 0, 0, cst),  // Sun 23:30: W44
			time.Date(2026, 11, 2, 0, 0, 0, 0, cst),    // Mon 00:00: W45
		}, []string{"2026-W43", "2026-W44", "2026-W45"}, []int{1, 4, 1}},
		{"spring forward", "2026-W11", []time.Time{
			time.Date(2026, 3, 1, 23, 30, 0, 0, cst),  // Sun: W09
			time.Date(2026, 3, 2, 0, 0, 0, 0, cst),    // Mon 00:00: W10
			time.Date(2026, 3, 8, 3, 0, 0, 0, cdt),    // just after the gap: W10
			time.Date(2026, 3, 8, 23, 30, 0, 0, cdt),  // Sun 23:30: W10
			time.Date(2026, 3, 9, 0, 0, 0, 0, cdt),    // Mon 00:00: W11
			time.Date(2026, 3, 15, 23, 59, 0, 0, cdt), // Sun: W11
		}, []string{"2026-W09", "2026-W10", "2026-W11"}, []int{1, 3, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			week, err := ParseWeek(tt.week, chicago)
			if err != nil {
				t.Fatal(err)
			}
			var reqs []*triage.Request
			for i, at := range tt.at {
				reqs = append(reqs, req(int64(i+1), at))
			}
			w := Compute(Data{Team: testTeam(), Week: week, Requests: reqs, Now: week.End.Add(9 * time.Hour)})
			if len(w.Trend) != 8 {
				t.Fatalf("trend has %d weeks, want 8", len(w.Trend))
			}
			var labels []string
			var counts []int
			for i, p := range w.Trend {
				if l := p.Start.In(chicago); l.Weekday() != time.Monday || l.Hour() != 0 || l.Minute() != 0 {
					t.Errorf("trend week %s starts %v, not Monday 00:00 local", p.Week, l)
				}
				if i > 0 && p.Start.Sub(w.Trend[i-1].Start) < 167*time.Hour {
					t.Errorf("trend weeks %d and %d are too close", i-1, i)
				}
				if p.Plan != 6 {
					t.Errorf("plan of %s = %v, want 6 (12 points / 2 weeks)", p.Week, p.Plan)
				}
			}
			for _, p := range w.Trend[5:] {
				labels, counts = append(labels, p.Week), append(counts, p.Requests)
			}
			if !reflect.DeepEqual(labels, tt.labels) || !reflect.DeepEqual(counts, tt.counts) {
				t.Errorf("last trend weeks %v %v, want %v %v", labels, counts, tt.labels, tt.counts)
			}
		})
	}
}

func TestBurnUp(t *testing.T) {
	w48 := Window{Start: nov(23, 0, 0), End: nov(30, 0, 0)}
	reqs := []*triage.Request{
		req(1, nov(16, 10, 0), estimate(2)),            // day 1
		req(2, nov(18, 10, 0), estimate(1), actual(3)), // day 3, actual replaces estimate
		req(3, nov(13, 10, 0), state(triage.NeedsApproval, triage.StatusPending), estimate(2),
			approvedAt(nov(24, 10, 0))), // created in sprint -1, approved on day 9
		req(4, nov(19, 10, 0), state(triage.Accepted, triage.StatusDeferred)),   // released
		req(5, nov(20, 10, 0), func(r *triage.Request) { r.OverBudget = true }), // day 5
		req(6, nov(26, 13, 0), estimate(5)),                                     // after Now
	}
	w := Compute(Data{Team: testTeam(), Week: w48, Requests: reqs, Now: nov(26, 12, 0)})
	wantUsed := []float64{2, 2, 5, 5, 6, 6, 6, 6, 8, 8, 8}
	if len(w.BurnUp) != len(wantUsed) {
		t.Fatalf("burn-up has %d days, want %d: %+v", len(w.BurnUp), len(wantUsed), w.BurnUp)
	}
	for i, p := range w.BurnUp {
		if p.Day != i+1 || p.Used != wantUsed[i] {
			t.Errorf("day %d: %+v, want used %v", i+1, p, wantUsed[i])
		}
		if want := 12 * float64(i+1) / 14; math.Abs(p.Plan-want) > 1e-6 {
			t.Errorf("day %d plan %v, want %v", i+1, p.Plan, want)
		}
	}
	if w.BurnUp[0].Date != "2026-11-16" || w.BurnUp[10].Date != "2026-11-26" {
		t.Errorf("dates %s..%s", w.BurnUp[0].Date, w.BurnUp[10].Date)
	}
	s := w.SprintInfo
	if s.N != 1 || s.Used != 8 || s.Left != 4 || math.Abs(s.UsedRatio-8.0/12) > 1e-9 || s.DaysLeft != 4 || s.OverBudget != 1 || s.Unit != "points" {
		t.Errorf("SprintInfo = %+v", s)
	}
	if !w.Cutoff.Equal(nov(26, 12, 0)) || w.ThisWeek.Requests != 0 || w.Sprint.Requests != 4 {
		t.Errorf("cutoff %v, week %d, sprint %d requests", w.Cutoff, w.ThisWeek.Requests, w.Sprint.Requests)
	}
}

// TestSprintOfTheWeek runs the report on the Monday that starts the next
// sprint: the sprint reported is the one the week belonged to.
func TestSprintOfTheWeek(t *testing.T) {
	w48 := Window{Start: nov(23, 0, 0), End: nov(30, 0, 0)}
	reqs := []*triage.Request{
		req(1, nov(16, 10, 0)),
		req(2, nov(25, 10, 0)),
		req(3, nov(30, 8, 0)), // the new sprint, after the week
	}
	w := Compute(Data{Team: testTeam(), Week: w48, Requests: reqs, Now: nov(30, 9, 0)})
	s := w.SprintInfo
	if s.N != 1 || !s.Start.Equal(nov(16, 0, 0)) || !s.End.Equal(nov(30, 0, 0)) || s.DaysLeft != 0 || s.Used != 2 {
		t.Errorf("SprintInfo = %+v", s)
	}
	if len(w.BurnUp) != 14 || w.BurnUp[13].Plan != 12 || w.BurnUp[13].Used != 2 {
		t.Errorf("burn-up = %+v", w.BurnUp)
	}
	if w.Sprint.Requests != 2 || w.ThisWeek.Requests != 1 {
		t.Errorf("sprint %d, week %d requests; want 2, 1", w.Sprint.Requests, w.ThisWeek.Requests)
	}
}

func TestWeekInProgress(t *testing.T) {
	w48 := Window{Start: nov(23, 0, 0), End: nov(30, 0, 0)}
	reqs := []*triage.Request{req(1, nov(25, 11, 0)), req(2, nov(25, 13, 0))}
	w := Compute(Data{Team: testTeam(), Week: w48, Requests: reqs, Now: nov(25, 12, 0)})
	if w.ThisWeek.Requests != 1 || w.Days[2].Requests != 1 || !w.Cutoff.Equal(nov(25, 12, 0)) || w.SprintInfo.DaysLeft != 5 {
		t.Errorf("week %d, Wednesday %d, cutoff %v, days left %d; want 1, 1, Wed 12:00, 5",
			w.ThisWeek.Requests, w.Days[2].Requests, w.Cutoff, w.SprintInfo.DaysLeft)
	}
}

func TestComputeWithoutCalendar(t *testing.T) {
	team := testTeam()
	team.Calendar = sprint.Calendar{}
	w := Compute(Data{Team: team, Week: w47, Requests: []*triage.Request{req(1, nov(17, 9, 0))}, Now: nov(23, 9, 0)})
	if w.ThisWeek.Requests != 1 || w.Sprint.Requests != 0 || w.BurnUp != nil || w.SprintInfo != (SprintStatus{}) || w.Trend[7].Plan != 0 {
		t.Errorf("report without calendar: week %d, sprint %d, burn-up %v, info %+v, plan %v",
			w.ThisWeek.Requests, w.Sprint.Requests, w.BurnUp, w.SprintInfo, w.Trend[7].Plan)
	}
	if got := Compute(Data{}); got.ThisWeek.Requests != 0 || got.ThisWeek.Outcomes["accepted"] != 0 {
		t.Errorf("Compute(Data{}) = %+v", got.ThisWeek)
	}
}

// TestComputeIgnoresOrder checks that the report does not depend on the
// order requests come in, so that replays render byte-identical output.
func TestComputeIgnoresOrder(t *testing.T) {
	reqs := sampleRequests()
	a := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	rev := slices.Clone(reqs)
	slices.Reverse(rev)
	b := Compute(Data{Team: testTeam(), Week: w47, Requests: rev, Now: nov(23, 9, 0)})
	ja, err := a.JSON()
	if err != nil {
		t.Fatal(err)
	}
	jb, err := b.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(ja) != string(jb) || a.Text() != b.Text() || a.Markdown() != b.Markdown() {
		t.Error("reversing the requests changed the output")
	}
}
