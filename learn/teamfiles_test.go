package learn

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// The labels files of issue 12 as teams bring them: the reader that rules
// eval, replay and rules suggest share.

var teamCats = []string{"access", "incident", "infra_change", "other", "question"}

func mustRead(t *testing.T, file, data string) []Example {
	t.Helper()
	got, err := ReadLabels(file, []byte(data), teamCats)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return got
}

// A label with interrupt and no urgency counts in interrupt-or-not and in
// no urgency figure, in JSON (as a boolean or a word) and in CSV.
func TestInterruptOnlyLabelsCountInInterruptOrNot(t *testing.T) {
	for name, data := range map[string]string{
		"l.jsonl": `{"text": "the site is down", "interrupt": true, "category": "incident"}
{"text": "need access to grafana", "interrupt": "yes"}
`,
		"l.csv": "text,interrupt,category\nthe site is down,yes,incident\nneed access to grafana,yes,\n",
	} {
		ex := mustRead(t, name, data)
		r := Evaluate(testRules(t), ex)
		if r.Interrupt.N != 2 || r.Interrupt.Agree != 1 || r.Urgency.N != 0 || r.InterruptOnly != 2 || r.PerUrgency[0].Labelled != 0 {
			t.Errorf("%s: interrupt %+v urgency %+v interrupt-only %d per-urgency %+v; want interrupt 1 of 2 and no urgency figure",
				name, r.Interrupt, r.Urgency, r.InterruptOnly, r.PerUrgency)
		}
		if len(r.Worst) != 1 || r.Worst[0].Line != 3-strings.Count(name, "jsonl") || labelledUrgency(r.Worst[0]) != "interrupt" {
			t.Errorf("%s: worst %+v; want the access request, labelled interrupt", name, r.Worst)
		}
		if out := FormatText(r); !strings.Contains(out, "2 requests labelled interrupt or not without an urgency") {
			t.Errorf("%s: text lacks the interrupt-only line:\n%s", name, out)
		}
	}
	_, err := ReadLabels("l.csv", []byte("text,urgency,interrupt\nx,P3,yes\n"), teamCats)
	if err == nil || !strings.HasPrefix(err.Error(), `l.csv:2: interrupt is "yes" but urgency P3 does not interrupt`) {
		t.Errorf("P3 with interrupt yes: %v, want l.csv:2", err)
	}
}

// Jira's and GitHub's column names: Priority is the urgency (with Jira's
// names and digits), Description the details beside the summary.
func TestColumnNamesTeamsUse(t *testing.T) {
	ex := mustRead(t, "jira.csv", "Summary,Description,Priority,Category,Assignee\n"+
		"Help needed,the prod database is down since 9,Highest,Incident,ana\n"+
		"VPN,please give me access,Medium,access,bo\n"+
		"x,y,2,Infra Change,\n"+
		"x,y,Lowest,infra-change,\n")
	want := []struct {
		u   classifier.Urgency
		cat string
	}{{classifier.P1, "incident"}, {classifier.P3, "access"}, {classifier.P2, "infra_change"}, {classifier.P4, "infra_change"}}
	for i, w := range want {
		if ex[i].Urgency != w.u || ex[i].Category != w.cat {
			t.Errorf("row %d: %v %q, want %v %q", i+2, ex[i].Urgency, ex[i].Category, w.u, w.cat)
		}
	}
	if ex[0].Input.Summary != "Help needed" || ex[0].Input.Details != "the prod database is down since 9" {
		t.Errorf("input %+v; want the description as the details", ex[0].Input)
	}
	r := Evaluate(testRules(t), ex[:1])
	if r.Worst != nil && len(r.Worst) > 0 {
		t.Errorf("the description was not classified: %+v", r.Worst)
	}
	ex = mustRead(t, "gh.jsonl", `{"title": "Help needed", "body": "need access to grafana", "priority": "low", "category": "access"}`+"\n")
	if ex[0].Input.Summary != "Help needed" || ex[0].Input.Details != "need access to grafana" || ex[0].Urgency != classifier.P4 {
		t.Errorf("title and body: %+v", ex[0])
	}
	_, err := ReadLabels("l.csv", []byte("summary,priority,category\nx,P1,Infra Chnge\n"), teamCats)
	if err == nil || !strings.Contains(err.Error(), "did you mean infra_change?") || strings.Contains(err.Error(), "category: Infra Chnge") {
		t.Errorf("unknown category: %v; want a hint naming infra_change, not 'category: Infra Chnge'", err)
	}
}

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// Excel's "Unicode Text" is UTF-16 with tabs; a CSV saved as Windows-1252
// is refused at its line, not scored with mangled text.
func TestLabelFileEncodings(t *testing.T) {
	got, err := ReadLabels("l.txt", utf16LE("summary\turgency\tcategory\r\nthe site is down – again\tP1\tincident\r\n"), teamCats)
	if err != nil || len(got) != 1 || got[0].Input.Summary != "the site is down – again" || got[0].Urgency != classifier.P1 {
		t.Errorf("UTF-16: %+v, %v", got, err)
	}
	_, err = ReadLabels("l.txt", utf16LE("summary\turgency\n")[2:], teamCats)
	if err == nil || !strings.Contains(err.Error(), "l.txt is UTF-16") || !strings.Contains(err.Error(), "save it as UTF-8") {
		t.Errorf("UTF-16 without a mark: %v", err)
	}
	_, err = ReadLabels("l.csv", []byte("summary,urgency,category\nok,P1,incident\ncaf\xe9 down,P1,incident\n"), teamCats)
	if err == nil || !strings.HasPrefix(err.Error(), "l.csv:3: not UTF-8") || !strings.Contains(err.Error(), "save it as UTF-8") {
		t.Errorf("Windows-1252: %v", err)
	}
	_, err = readMessageLabels("m.csv", strings.NewReader("channel,ts,urgency\nh\xe9lp,1.1,P1\n"), cats)
	if err == nil || !strings.HasPrefix(err.Error(), "m.csv:2: not UTF-8") {
		t.Errorf("message labels, Windows-1252: %v", err)
	}
}

// A JSON array, or objects pretty-printed over lines, is a list of
// records, each at the line where it starts.
func TestLabelFileJSONShapes(t *testing.T) {
	array := `[
  {"text": "the site is down", "urgency": "P1", "category": "incident"},
  {
    "text": "need access",
    "urgency": "P7",
    "category": "access"
  }
]`
	_, err := ReadLabels("a.json", []byte(array), teamCats)
	if err == nil || err.Error() != `a.json:3: urgency "P7" is not an urgency: write P1, P2, P3 or P4 (or critical, high, normal, low; Jira's Highest, High, Medium, Low, Lowest; 1 to 4)` {
		t.Errorf("array: %v; want a.json:3", err)
	}
	ex := mustRead(t, "a.json", strings.Replace(array, "P7", "P3", 1))
	if len(ex) != 2 || ex[1].Line != 3 || ex[1].Urgency != classifier.P3 {
		t.Errorf("array: %+v", ex)
	}
	pretty := "{\n  \"text\": \"the site is down\",\n  \"urgency\": \"P1\"\n}\n{\n  \"text\": \"need access\",\n  \"category\": \"access\"\n}\n"
	if ex := mustRead(t, "p.json", pretty); len(ex) != 2 || ex[1].Line != 5 {
		t.Errorf("pretty: %+v", ex)
	}
	_, err = ReadLabels("p.json", []byte("[\n{\"text\": \"x\", \"urgency\": \"P1\"},\n{\"text\": \n"), teamCats)
	if err == nil || !strings.HasPrefix(err.Error(), "p.json:3: not JSON") || strings.Contains(err.Error(), "labelRecord") {
		t.Errorf("broken array: %v", err)
	}
	_, err = ReadLabels("l.jsonl", []byte("[1, 2]"), teamCats)
	if err == nil || strings.Contains(err.Error(), "learn.") || strings.Contains(err.Error(), "Go value") {
		t.Errorf("array of numbers: %v; want no Go type named", err)
	}
}

// Errors stop at maxLabelErrors and say how many more there were.
func TestLabelErrorsSayHowManyMore(t *testing.T) {
	data := strings.Repeat(`{"text": "x", "urgency": "P9"}`+"\n", maxLabelErrors+3)
	_, err := ReadLabels("l.jsonl", []byte(data), teamCats)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxLabelErrors+1 || lines[maxLabelErrors] != "and 3 more problems" {
		t.Errorf("%d lines, last %q; want %d and \"and 3 more problems\"", len(lines), lines[len(lines)-1], maxLabelErrors+1)
	}
	_, err = readMessageLabels("m.jsonl", strings.NewReader(strings.Repeat(`{"channel": "#help", "ts": "1", "urgency": "P0"}`+"\n", maxLabelErrors+1)), cats)
	if err == nil || !strings.HasSuffix(err.Error(), "\nand 1 more problem") {
		t.Errorf("message labels: %v", err)
	}
}

// The labels beside an export are read as rules eval's are: extra keys
// are ignored, CSV is read, and urgency is read the same way.
func TestMessageLabelsShareTheReader(t *testing.T) {
	got, err := readMessageLabels("m.jsonl", strings.NewReader(`{"channel": "#help", "ts": "1.1", "urgency": "High", "text": "vpn is down", "assignee": "ana"}`+"\n"), cats)
	if err != nil || len(got) != 1 || got[0].Urgency != classifier.P2 {
		t.Errorf("extra keys: %+v, %v", got, err)
	}
	got, err = readMessageLabels("m.csv", strings.NewReader("Channel,TS,Priority,Category,Time Spent\n#help,1.1,Highest,Incident,2h\nhelp,1.2,,access,\n"), cats)
	if err != nil || len(got) != 2 || got[0].Urgency != classifier.P1 || got[0].Category != "incident" || !got[0].Hours ||
		got[1].Where != "m.csv:3" || !got[1].CategoryOnly {
		t.Errorf("CSV: %+v, %v", got, err)
	}
}

// A category-only label joined with a replay's request counts in the
// category alone, not as an urgency the rules got right.
func TestCategoryOnlyJoinedLabelCountsInCategoryOnly(t *testing.T) {
	ex := Example{Input: classifier.Input{Summary: "need access"}, Urgency: classifier.P3, Category: "question", NoUrgency: true}
	var a Agreement
	a.add(&ex, classifier.Decision{Urgency: classifier.P3, Category: "access"}, 1)
	if s := a.String(); s != "no urgency labelled, category 0.0% of 1" {
		t.Errorf("agreement %q", s)
	}
	r := Evaluate(testRules(t), []Example{ex})
	if r.Urgency.N != 0 || r.Interrupt.N != 0 || r.CategoryOnly != 1 {
		t.Errorf("result urgency %+v interrupt %+v category-only %d", r.Urgency, r.Interrupt, r.CategoryOnly)
	}
	if h := Headline(r); h != "no interrupt-or-not labelled, no urgency labelled, category 0.0% of 1" {
		t.Errorf("headline %q", h)
	}
}

// A disagreement on a category-only label marshals, its urgency null.
func TestDisagreementWithoutUrgencyMarshals(t *testing.T) {
	r := Evaluate(testRules(t), mustRead(t, "l.jsonl", `{"text": "need access", "category": "incident"}`+"\n"))
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"urgency":null`) || !strings.Contains(string(b), `"got_urgency":"P3"`) {
		t.Errorf("%s, %v", b, err)
	}
	if b, _ := json.Marshal(Evaluate(testRules(t), []Example{ex("site is down", classifier.P1, "incident")})); !strings.Contains(string(b), `"worst":[]`) {
		t.Errorf("no disagreement: %s; want \"worst\":[]", b)
	}
}

// A count of one is singular on every line a labels file's reading prints.
func TestLabelCountsOfOne(t *testing.T) {
	_, err := ReadLabels("l.csv", []byte("text,urgency,category\nx\n"), teamCats)
	if err == nil || err.Error() != "l.csv:2: has 1 field, the header has 3" {
		t.Errorf("short row: %v", err)
	}
	r := Evaluate(testRules(t), mustRead(t, "l.jsonl", `{"text": "need access", "category": "access"}`+"\n"+`{"text": "site is down", "interrupt": "yes"}`+"\n"))
	out := FormatText(r)
	for _, want := range []string{"1 request labelled for category only", "1 request labelled interrupt or not without an urgency"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}

// A label beside an export with interrupt and no urgency counts in
// interrupt-or-not only, as in a rules eval file.
func TestInterruptOnlyMessageLabel(t *testing.T) {
	ls, err := readMessageLabels("m.csv", strings.NewReader("channel,ts,interrupt\n#help,1.1,yes\n"), cats)
	if err != nil || len(ls) != 1 || ls[0].Interrupt == nil || !*ls[0].Interrupt || ls[0].CategoryOnly || ls[0].UrgencyFromAction {
		t.Fatalf("labels %+v, %v", ls, err)
	}
	reqs := []*triage.Request{{ID: 1, Channel: "C0HELP", ChannelName: "help", TS: "1.1", Summary: "need access", Urgency: classifier.P3,
		Decision: classifier.Decision{Urgency: classifier.P3, Category: "access", Rule: "access"}}}
	ex, _ := Join(ls, reqs, nil)
	r := Evaluate(testRules(t), ex)
	if r.Interrupt.N != 1 || r.Interrupt.Agree != 0 || r.Urgency.N != 0 || r.InterruptOnly != 1 {
		t.Errorf("interrupt %+v urgency %+v interrupt-only %d", r.Interrupt, r.Urgency, r.InterruptOnly)
	}
}
