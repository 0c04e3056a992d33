package learn

import (
	"fmt"
	"strings"
	"testing"
)

// A raw newline inside a string breaks one JSON Lines record in two: the
// reader still reports every other bad line, not that one alone.
func TestReadMessageLabelsBrokenLineHidesNoOther(t *testing.T) {
	in := `{"channel": "#help", "ts": "1.1", "urgency": "P7"}
{"channel": "#help", "ts": "1.2", "urgency": "P2"}
{"channel": "#help", "ts": "1.3", "urgency": "P2", "text": "two
lines"}
{"channel": "#help", "ts": "1.5", "urgency": "P9"}
`
	_, err := readMessageLabels("nl.jsonl", strings.NewReader(in), cats)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{"nl.jsonl:1: urgency \"P7\"", `nl.jsonl:3: not JSON: invalid character '\n' in string literal (a line break inside a string: write it as \n)`, "nl.jsonl:4:", "nl.jsonl:5: urgency \"P9\""} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

// More than maxLabelErrors bad lines beside a broken one are cut to
// maxLabelErrors and "and N more", in ReadLabels too.
func TestReadLabelsBrokenLineAndManyMore(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\"text\": \"broken\n\", \"urgency\": \"P2\"}\n")
	for i := range 25 {
		fmt.Fprintf(&b, "{\"text\": \"t%d\", \"urgency\": \"P7\"}\n", i)
	}
	_, err := ReadLabels("many.jsonl", []byte(b.String()), nil)
	if err == nil || !strings.Contains(err.Error(), "many.jsonl:1: not JSON") || !strings.Contains(err.Error(), "many.jsonl:3: urgency") ||
		!strings.Contains(err.Error(), "and 7 more problems") {
		t.Errorf("error %v, want line 1's, line 3's and \"and 7 more problems\"", err)
	}
}

// Pretty-printed objects are read where each starts; one broken object
// is its line's error, its rest is not reported line by line, and the
// errors of the objects around it stay.
func TestReadLabelsPrettyObjectsKeepEveryError(t *testing.T) {
	in := `{
  "text": "one",
  "urgency": "P7"
}
{
  "text": "two
  ", "urgency": "P2"
}
{"text": "three", "urgency": "P2"}
{
  "text": "four", "urgency": "P9"
}
`
	_, err := ReadLabels("p.json", []byte(in), nil)
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	lines := strings.Split(got, "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "p.json:1: urgency") || !strings.HasPrefix(lines[1], "p.json:5: not JSON") ||
		!strings.HasPrefix(lines[2], "p.json:10: urgency") {
		t.Errorf("errors:\n%s\nwant lines 1, 5 and 10", got)
	}
	ex, err := ReadLabels("p.json", []byte("{\n \"text\": \"a\",\n \"urgency\": \"P2\"\n}, {\"text\": \"b\", \"urgency\": \"P3\"}\n{\"text\": \"c\",\n\"urgency\": \"P1\"}\n"), nil)
	if err != nil || len(ex) != 3 || ex[0].Line != 1 || ex[1].Line != 4 || ex[2].Line != 5 {
		t.Errorf("got %+v, %v; want three records at lines 1, 4 and 5", ex, err)
	}
}

// A syntax error in a JSON array ends the file but keeps the errors of
// the records before it.
func TestReadLabelsArraySyntaxErrorKeepsEarlierErrors(t *testing.T) {
	in := "[\n{\"text\": \"a\", \"urgency\": \"P7\"},\n{\"text\": \"b\" \"urgency\": \"P2\"}\n]\n"
	_, err := ReadLabels("a.json", []byte(in), nil)
	if err == nil || !strings.Contains(err.Error(), "a.json:2: urgency") || !strings.Contains(err.Error(), "a.json:3: not JSON") {
		t.Errorf("error %v, want line 2's urgency and line 3's syntax", err)
	}
}
