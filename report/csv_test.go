package report

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// csvLookup reads a CSV report back into section -> name -> value, checking
// the header and that every row has the report's team and week.
func csvLookup(t *testing.T, b []byte, team, week string) map[string]map[string]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("read CSV back: %v", err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != "team,week,section,name,value" {
		t.Fatalf("header %q", rows[0])
	}
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		if r[0] != team || r[1] != week {
			t.Errorf("row %q is not %s %s", r, team, week)
		}
		if out[r[2]] == nil {
			out[r[2]] = map[string]string{}
		}
		if _, dup := out[r[2]][r[3]]; dup {
			t.Errorf("%s,%s appears twice", r[2], r[3])
		}
		out[r[2]][r[3]] = r[4]
	}
	return out
}

func TestCSV(t *testing.T) {
	w := sampleReport(t)
	b, err := w.CSV()
	if err != nil {
		t.Fatal(err)
	}
	got := csvLookup(t, b, "platform", "2026-W47")
	tests := []struct{ section, name, want string }{
		{"volume", "total", "9"},
		{"volume", "P1", strconv.Itoa(w.ThisWeek.ByUrgency["P1"])},
		{"sprint_volume", "P3", strconv.Itoa(w.Sprint.ByUrgency["P3"])},
		{"category", "access", "5"},
		{"requester_team", "(no team)", "2"},
		{"top_requester", "bob", "2"},
		{"top_requester_budget", "bob", "4.5"},
		{"outcome", "accepted", "5"},
		{"outcome", "declined", "1"},
		{"ticketed_by", "requester", "9"},
		{"charged", "total", num(w.ThisWeek.BudgetUsed)},
		{"budget", "plan", "12"},
		{"budget", "used", "7.5"},
		{"budget", "used_ratio", "0.625"},
		{"budget", "unit", "points"},
		{"ack_minutes", "median", "20"},
		{"ack_minutes", "p90", "120"},
		{"resolve_minutes", "median", "300"},
		{"sla_breaches", "ack", "2"},
		{"sla_breaches", "resolve", "1"},
		{"overrides", "changed", "1"},
		{"overrides", "rate", "0.1111"},
		{"false_emergencies", "count", "2"},
		{"day", "2026-11-16", "2"},
		{"day_P1", "2026-11-16", "1"},
		{"trend", "2026-W47", "9"},
		{"trend", "2026-W40", "0"},
		{"trend_plan", "2026-W47", "6"},
		{"burn_used", "2026-11-22", "7.5"},
		{"burn_plan", "2026-11-22", "6"},
	}
	for _, tt := range tests {
		t.Run(tt.section+"/"+tt.name, func(t *testing.T) {
			if v := got[tt.section][tt.name]; v != tt.want {
				t.Errorf("%s,%s = %q, want %q", tt.section, tt.name, v, tt.want)
			}
		})
	}
	// Every value but the unit is a number, so that a pivot can sum it.
	for section, names := range got {
		for name, v := range names {
			if _, err := strconv.ParseFloat(v, 64); err != nil && !(section == "budget" && name == "unit") {
				t.Errorf("%s,%s = %q is not a number", section, name, v)
			}
		}
	}
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	w := Compute(Data{Team: testTeam(), Week: w47, Now: nov(23, 9, 0), Requests: []*triage.Request{
		req(1, nov(16, 9, 0), category(`=HYPERLINK("http://x","y")`), by("U1", "+alice", "-ops,team")),
	}})
	b, err := w.CSV()
	if err != nil {
		t.Fatal(err)
	}
	got := csvLookup(t, b, "platform", "2026-W47")
	if got["category"][`'=HYPERLINK("http://x","y")`] != "1" || got["top_requester"]["'+alice"] != "1" ||
		got["requester_team"]["'-ops,team"] != "1" {
		t.Errorf("formulas not neutralised: %v %v %v", got["category"], got["top_requester"], got["requester_team"])
	}
}

func TestWriteCSVSeveralTeams(t *testing.T) {
	other := testTeam()
	other.Name = "data"
	a := sampleReport(t)
	b := Compute(Data{Team: other, Week: w47, Now: nov(23, 9, 0)})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, a, b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	teams := map[string]int{}
	for _, r := range rows {
		teams[r[0]]++
	}
	if teams["team"] != 1 || teams["platform"] == 0 || teams["data"] == 0 {
		t.Errorf("rows per team %v, want one header and both teams", teams)
	}
}
