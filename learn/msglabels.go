package learn

import (
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
	// Interrupt is the interrupt-or-not a line gave with neither urgency
	// nor action (nil otherwise): like CategoryOnly, the urgency stays the
	// rules', and the label counts in interrupt-or-not only.
	Interrupt *bool
	// Hours says time_spent was a duration ("2h", "90m"), so Actual is in
	// hours, which only a team counting hours can use.
	Hours bool
}

// ReadMessageLabels reads a labels file beside a Slack export, in any
// shape ReadLabels reads (JSON Lines, a JSON array, CSV; UTF-8 or UTF-16),
// with the same leniency: keys it does not know are ignored unless one is
// a typo of one it knows, and urgency and category are read as ReadLabels
// reads them. categories lists the categories the rules know; a label
// naming another is an error, as is an unknown urgency or a line that is
// not JSON. Every problem is reported (up to maxLabelErrors lines, then
// "and N more"), each line's together, as FILE:LINE; nothing is returned
// with them, so a caller never acts on half a file.
func ReadMessageLabels(path string, categories []string) ([]FileLabel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	defer f.Close()
	return readMessageLabels(path, f, categories)
}

func readMessageLabels(path string, r io.Reader, categories []string) ([]FileLabel, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read labels %s: %w", path, err)
	}
	var out []FileLabel
	var errs labelErrors
	seen := map[string]string{}
	add := func(line int, rec labelRecord, err error) {
		where := fmt.Sprintf("%s:%d", path, line)
		if err != nil {
			errs.add(fmt.Errorf("%s: %w", where, err))
			return
		}
		l, problems := rec.messageLabel(where, categories, seen)
		if len(problems) > 0 {
			errs.add(fmt.Errorf("%s: %s", where, strings.Join(problems, "; ")))
			return
		}
		out = append(out, l)
	}
	if err := readLabelFile(path, data, add); err != nil {
		return nil, err
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// messageLabel checks one record of a labels file and returns its label,
// or every problem the record has. seen maps each message labelled so far
// to where; a record without problems is added to it.
func (w labelRecord) messageLabel(where string, categories []string, seen map[string]string) (FileLabel, []string) {
	var problems []string
	w.Channel, w.TS = strings.TrimSpace(w.Channel), strings.TrimSpace(w.TS)
	w.Urgency, w.Category = strings.TrimSpace(w.Urgency), strings.TrimSpace(w.Category)
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
	yes, interrupt, err := labelInterrupt(w.Interrupt)
	if err != nil {
		problems = append(problems, err.Error())
	}
	// In Slack the on-call may change the category alone: a line with a
	// category and neither urgency nor action labels the category only,
	// and one with an interrupt the interrupt-or-not (and the category).
	noUrgency := w.Urgency == "" && w.Action == ""
	categoryOnly := noUrgency && w.Category != "" && !interrupt
	switch {
	case w.Urgency != "":
		if u, err = labelUrgency(w.Urgency); err != nil {
			problems = append(problems, "urgency "+err.Error())
		} else if interrupt {
			if p := interruptProblem(w.Interrupt, yes, u); p != "" {
				problems = append(problems, p)
			}
		}
	case noUrgency && !categoryOnly && !interrupt:
		problems = append(problems, `urgency "": give an urgency (P1, P2, P3 or P4), an interrupt (yes or no), an action or a category`)
	}
	category, known := ruleCategory(w.Category, categories)
	if w.Category != "" && !known {
		problems = append(problems, unknownCategory(w.Category, categories))
	}
	spent, hours, has, problem := timeSpent(w.TimeSpent)
	if problem != "" {
		problems = append(problems, problem)
	}
	if len(problems) > 0 {
		return FileLabel{}, problems
	}
	seen[key] = where
	l := FileLabel{Where: where, Channel: w.Channel, TS: w.TS, Urgency: u, Category: category,
		Action: w.Action, UrgencyFromAction: w.Urgency == "" && w.Action != "", CategoryOnly: categoryOnly,
		Actual: spent, HasActual: has, Hours: hours}
	if noUrgency && interrupt {
		l.Interrupt = &yes
	}
	return l, nil
}

// timeSpent reads a label's time_spent: a number in the team's unit (1.5,
// as JSON or as a spreadsheet writes it), or a duration of hours and
// minutes, as the config writes durations ("2h", "90m", "1h30m"), in
// hours. A day is left out: whether it is 8 hours or 24 is the team's to
// say. problem is what is wrong and how to write it.
func timeSpent(s string) (spent float64, hours, has bool, problem string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, false, ""
	}
	const fix = `write a number in the team's unit (1.5) or hours and minutes ("2h", "90m", "1h30m")`
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v < 0 {
			return 0, false, false, fmt.Sprintf("time_spent %s is negative", s)
		}
		return v, false, true, ""
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, false, false, fmt.Sprintf("time_spent %q: %s", s, fix)
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
		e.Urgency, e.NoUrgency, e.Interrupt = l.Urgency, l.CategoryOnly || l.Interrupt != nil, l.Interrupt
		if l.UrgencyFromAction || e.NoUrgency {
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
