package learn

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
)

// A labels file saved from a spreadsheet or a Windows editor: a byte order
// mark, CRLF line ends, urgencies and categories in whatever case people
// typed. Each reads as the rules' own category.
func TestReadLabelsAsSpreadsheetsWriteThem(t *testing.T) {
	cats := []string{"access", "incident", "question"}
	tests := []struct{ name, data string }{
		{"jsonl", "\ufeff{\"id\": \"a1\", \"text\": \"prod is down, 500s\", \"urgency\": \"p1\", \"category\": \"Incident\"}\r\n" +
			"{\"id\": \"a2\", \"text\": \"grant me access\", \"urgency\": \" P3 \", \"category\": \"ACCESS\"}\r\n"},
		{"csv", "\ufeffid,text,urgency,category\r\n" +
			"a1,\"prod is down, 500s\",p1,Incident\r\n" +
			"a2,grant me access, P3 ,ACCESS\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadLabels("l", []byte(tc.data), cats)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Urgency != classifier.P1 || got[0].Category != "incident" || got[0].Input.Summary != "prod is down, 500s" ||
				got[1].Urgency != classifier.P3 || got[1].Category != "access" {
				t.Errorf("read %+v", got)
			}
		})
	}
	// A category that is not one of the rules' in any case stays an error.
	_, err := ReadLabels("l", []byte("text,urgency,category\r\nx,P3,Incidnet\r\n"), cats)
	if err == nil || !strings.Contains(err.Error(), `l:2: category "Incidnet"`) {
		t.Errorf("err = %v, want l:2 naming the category", err)
	}
}

func TestReadMessageLabelsAsEditorsWriteThem(t *testing.T) {
	in := "\ufeff{\"channel\": \"#help\", \"ts\": \"1.1\", \"urgency\": \"p2\", \"category\": \"Access\", \"action\": \"Defer\"}\r\n" +
		"{\"channel\": \"C0HELP\", \"ts\": \"1.2\", \"urgency\": \"P4\", \"category\": \"INCIDENT\"}\r\n"
	got, err := readMessageLabels("l.jsonl", strings.NewReader(in), cats)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Urgency != classifier.P2 || got[0].Category != "access" || got[0].Action != "defer" || got[1].Category != "incident" {
		t.Errorf("labels %+v", got)
	}
	if _, err := readMessageLabels("l.jsonl", strings.NewReader(`{"channel": "#help", "ts": "1.1", "urgency": "P2", "category": "acess"}`), cats); err == nil ||
		!strings.Contains(err.Error(), `l.jsonl:1: category "acess"`) {
		t.Errorf("err = %v, want l.jsonl:1 naming the category", err)
	}
}

// A CSV file with its header row and nothing under it labels nothing,
// like an empty file: an error naming the file.
func TestReadLabelsHeaderOnly(t *testing.T) {
	_, err := ReadLabels("l.csv", []byte("\ufeffid,text,urgency,category\r\n"), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "l.csv: no labelled requests") {
		t.Errorf("err = %v, want l.csv: no labelled requests", err)
	}
}

// An urgency nobody labelled and the rules never decided has no precision
// or recall to show: the table says so with "-" rather than "0%", which
// would read as the rules getting it all wrong.
func TestFormatTextLeavesUndefinedRatesOut(t *testing.T) {
	res := Result{PerUrgency: []UrgencyScore{
		{Urgency: classifier.P1, Labelled: 2, Decided: 1, Correct: 1, Precision: 1, Recall: 0.5},
		{Urgency: classifier.P2},
		{Urgency: classifier.P4, Decided: 1},
	}}
	text := FormatText(res)
	for _, want := range []string{"P1         2        1       100%     50%", "P2         0        0          -       -", "P4         0        1         0%       -"} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
}

// Spreadsheets save the empty rows below the data as bare commas; they
// are blank lines, as in a JSONL file, not requests without text.
func TestReadLabelsSkipsEmptySpreadsheetRows(t *testing.T) {
	data := "text,urgency,category\r\nsite is down,P1,incident\r\n,,\r\n , ,\r\n"
	got, err := ReadLabels("l.csv", []byte(data), nil)
	if err != nil || len(got) != 1 {
		t.Errorf("read %d examples, err %v; want 1 and no error", len(got), err)
	}
}
