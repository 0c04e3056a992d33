package learn

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
)

func TestReadLabels(t *testing.T) {
	jsonl := `{"id": "a#1", "url": "https://example.com/1", "text": "site is down", "urgency": "P1", "interrupt": "yes", "category": "incident", "split": "test"}

{"summary": "need access", "details": "to grafana", "urgency": "normal", "category": "access"}
`
	csv := "id,text,urgency,interrupt,category,split\n" +
		"a#1,site is down,P1,yes,incident,test\n" +
		"a#2,\"need access, please\",P3,no,access,train\n"
	// A team's own export: JSON booleans, and keys of its own beside the
	// labels, which are not read.
	exported := `{"id": "a#1", "text": "site is down", "urgency": "P1", "interrupt": true, "category": "incident", "assignee": "sam", "labels": ["ops"], "team": "sre", "time": "2h"}
{"id": "a#2", "text": "need access", "urgency": "P3", "interrupt": false, "category": "access", "resolved_by": null}
{"id": "a#3", "text": "a question", "urgency": "P4", "interrupt": 0, "category": "question"}
`
	for _, tt := range []struct {
		name, data string
		want       []Example
	}{
		{"jsonl exported", exported, []Example{
			{ID: "a#1", Input: classifier.Input{Summary: "site is down"}, Urgency: classifier.P1, Category: "incident", File: "l", Line: 1},
			{ID: "a#2", Input: classifier.Input{Summary: "need access"}, Urgency: classifier.P3, Category: "access", File: "l", Line: 2},
			{ID: "a#3", Input: classifier.Input{Summary: "a question"}, Urgency: classifier.P4, Category: "question", File: "l", Line: 3},
		}},
		{"csv with a column of its own", "id,text,assignee,urgency,category\na#1,site is down,sam,P1,incident\n", []Example{
			{ID: "a#1", Input: classifier.Input{Summary: "site is down"}, Urgency: classifier.P1, Category: "incident", File: "l", Line: 2},
		}},
		{"jsonl", jsonl, []Example{
			{ID: "a#1", Input: classifier.Input{Summary: "site is down"}, Urgency: classifier.P1, Category: "incident", Split: "test", File: "l", Line: 1},
			{ID: "l:3", Input: classifier.Input{Summary: "need access", Details: "to grafana"}, Urgency: classifier.P3, Category: "access", File: "l", Line: 3},
		}},
		{"csv", csv, []Example{
			{ID: "a#1", Input: classifier.Input{Summary: "site is down"}, Urgency: classifier.P1, Category: "incident", Split: "test", File: "l", Line: 2},
			{ID: "a#2", Input: classifier.Input{Summary: "need access, please"}, Urgency: classifier.P3, Category: "access", Split: "train", File: "l", Line: 3},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadLabels("l", []byte(tt.data), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d examples: %+v", len(got), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("example %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestReadLabelsErrors(t *testing.T) {
	ok := `{"text": "x", "urgency": "P3", "category": "other"}`
	tests := []struct {
		name, data string
		want       []string
	}{
		{"empty", "  \n", []string{"f: no labelled requests"}},
		{"bad json", ok + "\n{\"text\": \"x\",\n", []string{"f:2: not a labelled request"}},
		{"unknown key", ok + "\n" + `{"text": "x", "urgncy": "P3", "category": "other"}`, []string{`f:2: unknown key "urgncy"; did you mean "urgency"?`}},
		{"interrupt neither string nor boolean", `{"text": "x", "urgency": "P3", "interrupt": {"v": 1}, "category": "other"}`, []string{`f:1: interrupt: want a string or a number, not an object or a list`}},
		{"boolean interrupt disagrees", `{"text": "x", "urgency": "P3", "interrupt": true, "category": "other"}`, []string{`f:1: interrupt is "true" but urgency P3 does not interrupt`}},
		{"unknown urgency", `{"text": "x", "urgency": "P5", "category": "other"}`, []string{`f:1: urgency "P5" is not an urgency`}},
		{"no label", `{"text": "x"}`, []string{"f:1: no label"}},
		{"no text", `{"urgency": "P2", "category": "x"}`, []string{"f:1: no text"}},
		{"interrupt disagrees", `{"text": "x", "urgency": "P3", "interrupt": "yes", "category": "other"}` + "\n" +
			`{"text": "x", "urgency": "P1", "interrupt": "maybe", "category": "other"}`,
			[]string{`f:1: interrupt is "yes" but urgency P3 does not interrupt`, `f:2: interrupt "maybe" is not yes or no`}},
		{"typo of a long key", `{"text": "x", "urgency": "P3", "intrerupt": "no", "category": "other"}`, []string{`f:1: unknown key "intrerupt"; did you mean "interrupt"?`}},
		{"csv unknown column", "text,urgency,categry\nx,P3,other\n", []string{`f:1: unknown column "categry"; did you mean "category"?`}},
		{"csv short row", "text,urgency,category\nx,P3,other\ny,P3\n", []string{"f:3: has 2 fields, the header has 3"}},
		{"bad urgency and unknown category", `{"text": "x", "urgency": "P9", "category": "incidnet", "interrupt": "yes"}`,
			[]string{`f:1: urgency "P9" is not an urgency: write P1, P2, P3 or P4 (or critical, high, normal, low; Jira's Highest, High, Medium, Low, Lowest; 1 to 4); category "incidnet" is not one the rules assign (access, incident, other, question); did you mean incident?`}},
		{"unknown category", ok + "\n" + `{"text": "x", "urgency": "P1", "category": "outage"}`, []string{`f:2: category "outage" is not one the rules assign`}},
		{"csv bad quote", "text,urgency,category\n\"x,P3,other\n", []string{"f:2: not CSV"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadLabels("f", []byte(tt.data), testRules(t).Categories())
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if got != nil {
				t.Errorf("examples returned with an error: %+v", got)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("errors:\n%v\nwant %d", err, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("error %d = %q, want prefix %q", i, lines[i], w)
				}
			}
		})
	}
}
