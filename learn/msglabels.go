package learn

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// FileLabel is one line of a labels file: what a person says about the
// request that a Slack message made, found by its channel and ts.
//
//	{"channel": "C0123" or "#help", "ts": "1767710400.000200", "urgency": "P2",
//	 "category": "access", "time_spent": 1.5}
//
// urgency is required unless an action or a category stands in for it;
// category and time_spent are optional.
type FileLabel struct {
	Where     string // FILE:LINE
	Channel   string
	TS        string
	Urgency   classifier.Urgency
	Category  string
	Actual    float64
	HasActual bool
	// Action is what the on-call did with the request: defer, approve or
	// decline (triage.ActDeferReq, ActApprove, ActDecline), or "".
	Action string
	// UrgencyFromAction says the line gave an action and no urgency: the
	// label's urgency is what the action says of the rules' (see History).
	UrgencyFromAction bool
	// CategoryOnly says the line gave a category and neither urgency nor
	// action: the urgency stays the rules', as when the on-call changes
	// only the category in Slack.
	CategoryOnly bool
	// Hours says time_spent was a duration ("2h", "90m"), so Actual is in
	// hours, which only a team counting hours can use.
	Hours bool
}

type wireLabel struct {
	Channel   string          `json:"channel"`
	TS        string          `json:"ts"`
	Urgency   string          `json:"urgency"`
	Category  string          `json:"category"`
	TimeSpent json.RawMessage `json:"time_spent"`
	Action    string          `json:"action"`
}

// ReadMessageLabels reads a labels file of JSON lines beside a Slack export. categories lists the
// categories the rules know; a label naming another is an error, as is an
// unknown urgency, a line that is not JSON, or a key it does not know.
// Every problem is reported (up to maxLabelErrors lines), each line's
// together, as FILE:LINE; nothing is returned with them, so a caller never
// acts on half a file.
func ReadMessageLabels(path string, categories []string) ([]FileLabel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	defer f.Close()
	return readMessageLabels(path, f, categories)
}

func readMessageLabels(path string, r io.Reader, categories []string) ([]FileLabel, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var out []FileLabel
	var errs []error
	seen := map[string]string{}
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte(BOM))
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, n)
		l, problems := messageLabel(line, where, categories, seen)
		if len(problems) > 0 {
			if len(errs) < maxLabelErrors {
				errs = append(errs, fmt.Errorf("%s: %s", where, strings.Join(problems, "; ")))
			}
			continue
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labels %s: %w", path, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// messageLabel checks one line of a labels file and returns its label, or
// every problem the line has. seen maps each message labelled so far to
// where; a line without problems is added to it.
func messageLabel(line []byte, where string, categories []string, seen map[string]string) (FileLabel, []string) {
	var w wireLabel
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return FileLabel{}, []string{fmt.Sprintf("%v (one JSON object a line: channel, ts, urgency, category, time_spent, action)", err)}
	}
	var problems []string
	w.Action = strings.ToLower(strings.TrimSpace(w.Action))
	key := strings.TrimPrefix(w.Channel, "#") + "/" + w.TS
	if w.Channel == "" || w.TS == "" {
		problems = append(problems, "needs \"channel\" and \"ts\": the Slack message the request came from")
	} else if first, dup := seen[key]; dup {
		problems = append(problems, fmt.Sprintf("message %s %s is labelled twice (first at %s)", w.Channel, w.TS, first))
	}
	switch w.Action {
	case "", triage.ActDeferReq, triage.ActApprove, triage.ActDecline:
	default:
		problems = append(problems, fmt.Sprintf("action %q: use %s, %s or %s (or leave it out)", w.Action, triage.ActDeferReq, triage.ActApprove, triage.ActDecline))
	}
	var u classifier.Urgency
	// In Slack the on-call may change the category alone: a line with a
	// category and neither urgency nor action labels the category only.
	categoryOnly := w.Urgency == "" && w.Action == "" && w.Category != ""
	if w.Urgency != "" || w.Action == "" && !categoryOnly {
		var err error
		if u, err = classifier.ParseUrgency(w.Urgency); err != nil {
			problems = append(problems, fmt.Sprintf("urgency %q: use P1, P2, P3 or P4 (it may be left out when an action or a category is given)", w.Urgency))
		}
	}
	category, known := ruleCategory(w.Category, categories)
	if w.Category != "" && !known {
		problems = append(problems, fmt.Sprintf("category %q is none the rules use (%s)", w.Category, strings.Join(categories, ", ")))
	}
	spent, hours, has, problem := timeSpent(w.TimeSpent)
	if problem != "" {
		problems = append(problems, problem)
	}
	if len(problems) > 0 {
		return FileLabel{}, problems
	}
	seen[key] = where
	return FileLabel{Where: where, Channel: w.Channel, TS: w.TS, Urgency: u, Category: category,
		Action: w.Action, UrgencyFromAction: w.Urgency == "" && !categoryOnly, CategoryOnly: categoryOnly,
		Actual: spent, HasActual: has, Hours: hours}, nil
}

// timeSpent reads a label's time_spent: a number in the team's unit (as
// JSON or in a string, as a spreadsheet writes it), or a duration of
// hours and minutes, as the config writes durations ("2h", "90m",
// "1h30m"), in hours. A day is left out: whether it is 8 hours or 24 is
// the team's to say. problem is what is wrong and how to write it.
func timeSpent(raw json.RawMessage) (spent float64, hours, has bool, problem string) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, false, ""
	}
	const fix = `write a number in the team's unit (1.5) or hours and minutes ("2h", "90m", "1h30m")`
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false, false, fmt.Sprintf("time_spent %s: %s", raw, fix)
		}
		s = strings.TrimSpace(s)
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v < 0 {
			return 0, false, false, fmt.Sprintf("time_spent %s is negative", s)
		}
		return v, false, true, ""
	}
	d, err := time.ParseDuration(s)
	switch {
	case raw[0] != '"' || err != nil:
		return 0, false, false, fmt.Sprintf("time_spent %s: %s", raw, fix)
	case d < 0:
		return 0, false, false, fmt.Sprintf("time_spent %q is negative", s)
	}
	return d.Hours(), true, true, ""
}

// Join pairs labels with the requests their messages made, as examples
// labelled by the file rather than by the on-call; the rest of the labels
// are returned as unmatched (their messages made no request).
func Join(labels []FileLabel, reqs []*triage.Request, team *triage.Team) (ex []Example, unmatched []FileLabel) {
	byMsg := make(map[string]*triage.Request, len(reqs))
	for _, r := range reqs {
		if r.TS != "" {
			byMsg[r.Channel+"/"+r.TS] = r
			if r.ChannelName != "" {
				byMsg[r.ChannelName+"/"+r.TS] = r
			}
		}
	}
	for _, l := range labels {
		r := byMsg[strings.TrimPrefix(l.Channel, "#")+"/"+l.TS]
		if r == nil {
			unmatched = append(unmatched, l)
			continue
		}
		e := FromRequest(r, team)
		e.ID, e.File = l.Where, ""
		e.Category, e.Action = l.Category, l.Action
		// Hours are no points: a duration says nothing to a team that
		// counts points, as a tracker's "time-spent: 2h" does not.
		e.Actual, e.HasActual = l.Actual, l.HasActual && (!l.Hours || team == nil || team.Budget.Unit == "hours")
		e.Urgency = l.Urgency
		if l.UrgencyFromAction || l.CategoryOnly {
			e.Urgency = r.Decision.Urgency
		}
		e.Overridden = e.Urgency != r.Decision.Urgency || l.Category != "" && l.Category != r.Decision.Category
		if l.UrgencyFromAction {
			inferUrgency(&e) // as History does when no person set the urgency
		}
		ex = append(ex, e)
	}
	return ex, unmatched
}
