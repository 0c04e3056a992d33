package learn

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

var cats = []string{"access", "incident", "other"}

func TestReadMessageLabels(t *testing.T) {
	in := `{"channel": "#help", "ts": "1.1", "urgency": "P2", "category": "access", "time_spent": 1.5}
# a comment, then a blank line

{"channel": "C0HELP", "ts": "1.2", "urgency": "p4"}
`
	got, err := readMessageLabels("l.jsonl", strings.NewReader(in), cats)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Where != "l.jsonl:1" || got[0].Urgency != classifier.P2 || !got[0].HasActual || got[0].Actual != 1.5 ||
		got[1].Where != "l.jsonl:4" || got[1].Urgency != classifier.P4 || got[1].HasActual {
		t.Errorf("labels %+v", got)
	}
}

func TestReadMessageLabelsRejectsBadLinesWithFileLine(t *testing.T) {
	good := `{"channel": "#help", "ts": "1.1", "urgency": "P2"}` + "\n"
	tests := []struct {
		name, line, want string
	}{
		{"not json", `{"channel": "#help",`, "l.jsonl:2: "},
		{"unknown urgency", `{"channel": "#help", "ts": "1.2", "urgency": "P9"}`, `l.jsonl:2: urgency "P9"`},
		{"no urgency", `{"channel": "#help", "ts": "1.2"}`, `l.jsonl:2: urgency ""`},
		{"unknown category", `{"channel": "#help", "ts": "1.2", "urgency": "P1", "category": "outage"}`, `l.jsonl:2: category "outage" is not one the rules assign`},
		{"unknown key", `{"channel": "#help", "ts": "1.2", "urgency": "P1", "categry": "access"}`, `l.jsonl:2: unknown key "categry"; did you mean "category"?`},
		{"no message", `{"urgency": "P1"}`, `l.jsonl:2: needs "channel" and "ts"`},
		{"twice", `{"channel": "help", "ts": "1.1", "urgency": "P1"}`, `l.jsonl:2: message help 1.1 is labelled twice (first at l.jsonl:1)`},
		{"negative time", `{"channel": "#help", "ts": "1.2", "urgency": "P1", "time_spent": -1}`, `l.jsonl:2: time_spent -1 is negative`},
		{"unknown action", `{"channel": "#help", "ts": "1.2", "action": "snooze"}`, `l.jsonl:2: action "snooze": use defer, approve or decline`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readMessageLabels("l.jsonl", strings.NewReader(good+tc.line+"\n"+good), cats)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to start %q", err, tc.want)
			}
			if got != nil {
				t.Errorf("got %d labels with the error, want none", len(got))
			}
		})
	}
}

// Every bad line is reported, with all its problems, so that one run
// shows the whole file's fixes.
func TestReadMessageLabelsReportsEveryProblem(t *testing.T) {
	in := `{"channel": "#help", "ts": "1.1", "urgency": "P9", "category": "outage"}
{"channel": "#help", "ts": "1.2", "urgency": "P2"}
{"ts": "1.3", "urgency": "P1", "time_spent": -2}
`
	got, err := readMessageLabels("l.jsonl", strings.NewReader(in), cats)
	if got != nil {
		t.Errorf("got %d labels with the errors, want none", len(got))
	}
	want := []string{
		`l.jsonl:1: urgency "P9" is not an urgency: write P1, P2, P3 or P4 (or critical, high, normal, low; Jira's Highest, High, Medium, Low, Lowest; 1 to 4); category "outage" is not one the rules assign (access, incident, other); fix the label, or add a rule with category: outage`,
		`l.jsonl:3: needs "channel" and "ts": the Slack message the request came from; time_spent -2 is negative`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("err =\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
}

func TestJoinMatchesChannelIDOrName(t *testing.T) {
	reqs := []*triage.Request{
		{ID: 1, Channel: "C0HELP", ChannelName: "help", TS: "1.1", Summary: "vpn", Urgency: classifier.P3,
			Decision: classifier.Decision{Urgency: classifier.P3, Category: "access", Rule: "access"}},
		{ID: 2, Channel: "C0HELP", ChannelName: "help", TS: "1.2", Summary: "down", Urgency: classifier.P1,
			Decision: classifier.Decision{Urgency: classifier.P1, Category: "incident", Rule: "outage"}},
	}
	labels := []FileLabel{
		{Where: "l:1", Channel: "#help", TS: "1.1", Urgency: classifier.P2, Category: "access"},
		{Where: "l:2", Channel: "C0HELP", TS: "1.2", Urgency: classifier.P1, Category: "incident"},
		{Where: "l:3", Channel: "C0HELP", TS: "9.9", Urgency: classifier.P1},
	}
	ex, un := Join(labels, reqs, nil)
	if len(ex) != 2 || len(un) != 1 || un[0].Where != "l:3" {
		t.Fatalf("examples %+v unmatched %+v", ex, un)
	}
	if ex[0].ID != "l:1" || ex[0].Urgency != classifier.P2 || !ex[0].Overridden || ex[1].Overridden || ex[1].Rule != "outage" {
		t.Errorf("examples %+v", ex)
	}
}

// TestActionsLabelAnExport: a labels file may say what the on-call did
// instead of an urgency, and the label is then what History makes of that
// action: a deferred interrupt could wait (P3), a declined request was no
// sprint work (P4), an approval keeps the rules' urgency.
func TestActionsLabelAnExport(t *testing.T) {
	in := `{"channel": "help", "ts": "1.1", "action": "defer"}
{"channel": "help", "ts": "1.2", "action": "decline", "category": "other"}
{"channel": "help", "ts": "1.3", "action": "approve"}
{"channel": "help", "ts": "1.4", "action": "defer", "urgency": "P1"}
`
	labels, err := readMessageLabels("l.jsonl", strings.NewReader(in), cats)
	if err != nil {
		t.Fatal(err)
	}
	p1 := classifier.Decision{Urgency: classifier.P1, Category: "incident", Rule: "outage"}
	var reqs []*triage.Request
	for i, ts := range []string{"1.1", "1.2", "1.3", "1.4"} {
		reqs = append(reqs, &triage.Request{ID: int64(i + 1), Channel: "C0HELP", ChannelName: "help", TS: ts, Urgency: classifier.P1, Decision: p1})
	}
	ex, un := Join(labels, reqs, nil)
	if len(ex) != 4 || len(un) != 0 {
		t.Fatalf("examples %+v unmatched %+v", ex, un)
	}
	for _, tc := range []struct {
		name       string
		e          Example
		urgency    classifier.Urgency
		action     string
		overridden bool
	}{
		{"deferred interrupt", ex[0], classifier.P3, triage.ActDeferReq, true},
		{"declined", ex[1], classifier.P4, triage.ActDecline, true},
		{"approved", ex[2], classifier.P1, triage.ActApprove, false},
		{"urgency given beside the action wins", ex[3], classifier.P1, triage.ActDeferReq, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.e.Urgency != tc.urgency || tc.e.Action != tc.action || tc.e.Overridden != tc.overridden {
				t.Errorf("urgency %v action %q overridden %v; want %v %q %v", tc.e.Urgency, tc.e.Action, tc.e.Overridden, tc.urgency, tc.action, tc.overridden)
			}
		})
	}
}
