package learn

import (
	"strings"
	"testing"
)

// A time spent may be written as the config writes a duration; anything
// else is an error at its line that says how to write it.
func TestReadMessageLabelsTimeSpentAsADuration(t *testing.T) {
	in := `{"channel": "#help", "ts": "1.1", "urgency": "P2", "time_spent": "2h"}
{"channel": "#help", "ts": "1.2", "urgency": "P2", "time_spent": "90m"}
{"channel": "#help", "ts": "1.3", "urgency": "P2", "time_spent": "1h30m"}
{"channel": "#help", "ts": "1.4", "urgency": "P2", "time_spent": "3"}
`
	got, err := readMessageLabels("l.jsonl", strings.NewReader(in), cats)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		spent float64
		hours bool
	}{{2, true}, {1.5, true}, {1.5, true}, {3, false}} {
		if l := got[i]; !l.HasActual || l.Actual != want.spent || l.Hours != want.hours {
			t.Errorf("line %d: time spent %g (hours %v, given %v), want %g (hours %v)", i+1, l.Actual, l.Hours, l.HasActual, want.spent, want.hours)
		}
	}
	for _, bad := range []string{`"2 hours"`, `"1d"`, `true`, `"-2h"`} {
		_, err := readMessageLabels("l.jsonl", strings.NewReader(`{"channel": "#help", "ts": "1.1", "urgency": "P2", "time_spent": `+bad+"}\n"), cats)
		if err == nil || !strings.HasPrefix(err.Error(), "l.jsonl:1: time_spent ") || strings.Contains(err.Error(), "json:") ||
			!strings.Contains(err.Error(), "negative") && !strings.Contains(err.Error(), `"1h30m"`) {
			t.Errorf("time_spent %s: error %v, want one at l.jsonl:1 saying how to write it", bad, err)
		}
	}
}

// A spreadsheet saves CSV with ';' where the decimal mark is a comma, and
// a table copied out of one has tabs.
func TestReadLabelsCSVDelimiters(t *testing.T) {
	for name, d := range map[string]string{"semicolon": ";", "tab": "\t"} {
		t.Run(name, func(t *testing.T) {
			data := strings.Join([]string{"id", "text", "urgency", "category"}, d) + "\n" +
				strings.Join([]string{"a#1", "site is down, again", "P1", "incident"}, d) + "\n"
			got, err := ReadLabels("l.csv", []byte(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Input.Summary != "site is down, again" || got[0].Category != "incident" {
				t.Errorf("got %+v", got)
			}
		})
	}
	_, err := ReadLabels("l.csv", []byte("text|urgency|category\nsite is down|P1|incident\n"), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "l.csv:1: the header names none of the columns") || !strings.Contains(err.Error(), "';' or tabs") {
		t.Errorf("a header split by '|': error %v, want one at l.csv:1 naming the delimiters", err)
	}
}

// A duplicated id is an error at the second line naming the first, in a
// rules eval file as in an export's labels file.
func TestReadLabelsDuplicateIDs(t *testing.T) {
	in := `{"id": "a#1", "text": "site is down", "urgency": "P1", "category": "incident"}
{"id": "a#2", "text": "need access", "urgency": "P3", "category": "access"}
{"id": "a#1", "text": "site is down", "urgency": "P2", "category": "incident"}
`
	_, err := ReadLabels("l.jsonl", []byte(in), nil)
	if err == nil || err.Error() != `l.jsonl:3: id "a#1" is labelled twice (first at l.jsonl:1); keep one of the two` {
		t.Errorf("error %v, want l.jsonl:3 naming l.jsonl:1", err)
	}
	csv := "id,text,urgency,category\na#1,site is down,P1,incident\na#1,site is down,P2,incident\n"
	if _, err := ReadLabels("l.csv", []byte(csv), nil); err == nil || !strings.HasPrefix(err.Error(), `l.csv:3: id "a#1" is labelled twice (first at l.csv:2)`) {
		t.Errorf("csv: error %v, want l.csv:3 naming l.csv:2", err)
	}
	_, err = readMessageLabels("l.jsonl", strings.NewReader(`{"channel": "#help", "ts": "1.1", "urgency": "P2"}
{"channel": "help", "ts": "1.1", "urgency": "P3"}
`), cats)
	if err == nil || !strings.HasPrefix(err.Error(), "l.jsonl:2: ") || !strings.Contains(err.Error(), "(first at l.jsonl:1)") {
		t.Errorf("message labels: error %v, want l.jsonl:2 naming l.jsonl:1", err)
	}
}
