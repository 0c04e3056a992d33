package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

// TestWriteJSONIsWhatEncodingJSONWrites holds the streamed document to what
// json.Encoder with two-space indentation makes of the whole document, as
// WriteJSON wrote it before: with and without teams, decisions, problems
// and label scores, and with characters encoding/json escapes.
func TestWriteJSONIsWhatEncodingJSONWrites(t *testing.T) {
	day := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)
	full := &TeamResult{Team: &triage.Team{Name: "platform"}, N: 3,
		Decisions: []Decision{
			{Channel: "C0PLAT", User: "U1", TS: "1788250000.000100", Urgency: triage.Urgency(1), Category: "access", Rule: "grant"},
			{Channel: "C0PLAT", User: "U<2>", TS: "1788250000.000200", Urgency: triage.Urgency(3), Category: "a&b", Rule: "\"quoted\"\n\u2028"},
			{Channel: "C0PLAT", User: "U3", TS: "1788250000.000300"},
		},
		Sprints: []report.SprintSummary{{N: 4, Start: day, End: day.AddDate(0, 0, 14), Budget: 12, Used: 3.5, Accepted: 2, Deferred: 1}}}
	empty := &TeamResult{Team: &triage.Team{Name: "data"}}
	problems := []slackexport.Problem{{File: "general/2026-09-07.json", Line: 3, Column: 9, Msg: "ts is missing"}}
	labels := []LabelScore{{Team: "platform", File: "labels.jsonl", Score: learn.Result{N: 2}}}
	tests := []struct {
		name string
		res  *Result
	}{
		{"nothing", &Result{Skipped: map[string]int{}}},
		{"teams", &Result{Messages: 9, Skipped: map[string]int{"thread reply": 2, "bot message": 1}, Teams: []*TeamResult{full, empty}}},
		{"no decisions", &Result{Messages: 1, Skipped: map[string]int{"empty": 1}, Teams: []*TeamResult{empty}}},
		{"problems and labels", &Result{Messages: 9, Skipped: map[string]int{}, Problems: problems, Teams: []*TeamResult{empty, full}, Labels: labels}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got bytes.Buffer
			if err := tc.res.WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			if want := wholeJSON(t, tc.res); got.String() != want {
				t.Errorf("WriteJSON differs from encoding/json:\n%s", firstDiff(got.String(), want))
			}
		})
	}
}

// wholeJSON is WriteJSON as it was: the whole document made, then encoded.
func wholeJSON(t *testing.T, r *Result) string {
	t.Helper()
	type decision struct {
		Channel  string `json:"channel"`
		User     string `json:"user"`
		TS       string `json:"ts"`
		Urgency  string `json:"urgency"`
		Category string `json:"category"`
		Rule     string `json:"rule"`
	}
	type team struct {
		jsonTeam
		Decisions []decision `json:"decisions"`
	}
	doc := struct {
		Messages int            `json:"messages"`
		Requests int            `json:"requests"`
		Skipped  map[string]int `json:"skipped"`
		Problems []string       `json:"problems"`
		Teams    []team         `json:"teams"`
		Labels   []LabelScore   `json:"labels,omitempty"`
	}{Labels: r.Labels, Messages: r.Messages, Requests: r.Requests(), Skipped: r.Skipped, Problems: []string{}, Teams: []team{}}
	for _, p := range r.Problems {
		doc.Problems = append(doc.Problems, p.String())
	}
	for _, tr := range r.Teams {
		jt := team{jsonTeam: teamJSON(tr), Decisions: []decision{}}
		for _, d := range tr.Decisions {
			jt.Decisions = append(jt.Decisions, decision{Channel: d.Channel, User: d.User, TS: d.TS,
				Urgency: d.Urgency.String(), Category: d.Category, Rule: d.Rule})
		}
		doc.Teams = append(doc.Teams, jt)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteJSONReportsAWriteError(t *testing.T) {
	r := &Result{Skipped: map[string]int{}, Teams: []*TeamResult{{Team: &triage.Team{Name: "platform"}}}}
	if err := r.WriteJSON(failingWriter{}); err == nil || err.Error() != "disk full" {
		t.Errorf("WriteJSON = %v, want the writer's error", err)
	}
}
