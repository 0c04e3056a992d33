package report

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func sprintRequests() []*triage.Request {
	return []*triage.Request{
		req(1, nov(3, 10, 0), estimate(2)),
		req(2, nov(10, 10, 0), state(triage.Deferred, triage.StatusDeferred), func(r *triage.Request) { r.Sprint = 1 }),
		req(3, nov(12, 10, 0), estimate(3), approvedAt(nov(17, 9, 0))), // created in 0, charged to 1
		req(4, nov(18, 10, 0), actual(1.5)),
		req(5, nov(19, 10, 0), state(triage.Backlog, triage.StatusBacklog)),
		req(6, nov(20, 10, 0), state(triage.Accepted, triage.StatusDeclined)),
		req(7, nov(21, 10, 0), by("U2", "bob", ""), state(triage.NeedsApproval, triage.StatusPending)),
		req(8, nov(30, 10, 0)),
		req(9, nov(18, 10, 0), team("other")),
		req(10, nov(25, 10, 0), by("U2", "bob", "")),
		req(11, nov(26, 10, 0), by("U4", "dave", "")),
		req(12, nov(27, 10, 0), by("U3", "carol", "")),
		req(13, nov(30, 10, 0).AddDate(0, 1, 0)), // 30 December: sprint 4
		nil,
	}
}

func TestSprints(t *testing.T) {
	ss := Sprints(testTeam(), sprintRequests())
	type row struct {
		N, Requests, Accepted, Deferred, NeedsApproval, Backlog, Declined int
		Used                                                              float64
		Top                                                               string
	}
	var got []row
	for _, s := range ss {
		got = append(got, row{s.N, s.Requests, s.Accepted, s.Deferred, s.NeedsApproval, s.Backlog, s.Declined,
			s.Used, strings.Join(names(s.TopRequesters), ", ")})
		if s.Budget != 12 || s.End.Sub(s.Start).Hours() < 14*24-1 || s.Start.Location() != chicago {
			t.Errorf("sprint %d: budget %v, %v – %v", s.N, s.Budget, s.Start, s.End)
		}
	}
	want := []row{
		{N: 0, Requests: 3, Accepted: 1, Deferred: 1, Used: 2, Top: "alice 3"},
		{N: 1, Requests: 7, Accepted: 5, NeedsApproval: 1, Backlog: 1, Declined: 1, Used: 7.5, Top: "alice 3, bob 2, carol 1"},
		{N: 2, Requests: 1, Accepted: 1, Used: 1, Top: "alice 1"},
		{N: 4, Requests: 1, Accepted: 1, Used: 1, Top: "alice 1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sprints:\n got %+v\nwant %+v", got, want)
	}
	if s := ss[1]; !s.Start.Equal(nov(16, 0, 0)) || !s.End.Equal(nov(30, 0, 0)) {
		t.Errorf("sprint 1 is %v – %v", s.Start, s.End)
	}
}

func TestSprintsWithoutData(t *testing.T) {
	noCal := testTeam()
	noCal.Calendar = sprint.Calendar{}
	tests := []struct {
		name string
		team *triage.Team
		reqs []*triage.Request
	}{
		{"no team", nil, sprintRequests()},
		{"no calendar", noCal, sprintRequests()},
		{"no requests", testTeam(), nil},
		{"only other teams", testTeam(), []*triage.Request{req(1, nov(18, 10, 0), team("other"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sprints(tt.team, tt.reqs); len(got) != 0 {
				t.Errorf("Sprints = %+v, want none", got)
			}
		})
	}
}

func TestSprintTable(t *testing.T) {
	ss := Sprints(testTeam(), sprintRequests())
	out := SprintTable("platform", "points", ss)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if lines[0] != "Sprint budget: platform (points)" || len(lines) != len(ss)+2 {
		t.Fatalf("table:\n%s", out)
	}
	if f := strings.Fields(lines[1]); f[0] != "sprint" || f[len(f)-2] != "top" {
		t.Errorf("header %q", lines[1])
	}
	for i, s := range ss {
		f := strings.Fields(lines[i+2])
		want := []string{itoa(s.N), s.Start.Format("2006-01-02"), "–", lastDay(s.End).Format("2006-01-02"),
			num(s.Budget), num(s.Used), percent(s.Used / s.Budget), itoa(s.Requests), itoa(s.Accepted),
			itoa(s.Deferred), itoa(s.NeedsApproval), itoa(s.Backlog), itoa(s.Declined)}
		if !reflect.DeepEqual(f[:len(want)], want) {
			t.Errorf("row %q\nwant prefix %q", lines[i+2], want)
		}
		if top := strings.Join(f[len(want):], " "); top != strings.Join(namesN(s.TopRequesters), ", ") {
			t.Errorf("top requesters %q", top)
		}
	}
	if !strings.Contains(out, "\n       1  2026-11-16 – 2026-11-29      12   7.5    63%         7") {
		t.Errorf("sprint 1 row is not aligned as expected:\n%s", out)
	}
	if got := SprintTable("platform", "", nil); got != "Sprint budget: platform (units)\n  no requests in any sprint\n" {
		t.Errorf("empty table %q", got)
	}
}

func namesN(cs []Count) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name+" "+itoa(c.N))
	}
	return out
}
