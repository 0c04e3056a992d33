package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// classifyLine is one JSON line of `classify` input, and a `rules test` case.
type classifyLine struct {
	Team     string `json:"team" yaml:"team"`
	Summary  string `json:"summary" yaml:"summary"`
	Text     string `json:"text" yaml:"text"` // another name for summary
	Details  string `json:"details" yaml:"details"`
	Type     string `json:"type" yaml:"type"`
	Impact   string `json:"impact" yaml:"impact"`
	Channel  string `json:"channel" yaml:"channel"`
	User     string `json:"user" yaml:"user"`
	At       string `json:"at" yaml:"at"`
	NeededBy string `json:"needed_by" yaml:"needed_by"`
}

type classifyResult struct {
	Team        string              `json:"team"`
	Decision    classifier.Decision `json:"decision"`
	Explanation string              `json:"explanation"`
}

func runClassify(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "classify")
	team := fs.String("team", "", "classify with this team's rules (default: the first team, or the channel's)")
	asJSON := fs.Bool("json", false, "print JSON")
	at := fs.String("at", "", "when it was asked: 2026-11-17T14:30 in the team's zone, or RFC 3339 (default now)")
	channel := fs.String("channel", "", "where it was asked: a channel id or #name")
	user := fs.String("user", "", "who asked: a user id")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	_, st, err := loadOfflineSettings(env, *path)
	if err != nil {
		return configFailed(env, err)
	}
	if _, code := pickTeams(env, "classify", st, *team); code != ExitOK {
		return code
	}
	// A malformed --at is wrong in every zone: say so before any text is read.
	if _, err := parseTime(*at, time.UTC, env.Now()); err != nil {
		return usageError(env, "classify", "--at: "+err.Error())
	}
	if len(pos) > 0 && strings.TrimSpace(strings.Join(pos, " ")) == "" {
		return usageError(env, "classify", "TEXT is empty; give the request's text, or JSON lines on stdin")
	}
	// One buffered writer for every answer: a write per answer was a
	// system call per line. Each worker of classifyStream encodes its
	// answers into its own answerBuf.
	out := bufio.NewWriterSize(env.Stdout, 64*1024)
	answer := func(w *answerBuf, in classifyLine) error {
		if in.Team == "" {
			in.Team = *team
		}
		if in.At == "" {
			in.At = *at
		}
		if in.Channel == "" {
			in.Channel = *channel
		}
		if in.User == "" {
			in.User = *user
		}
		res, err := classify(st, in, env.Now())
		if err != nil {
			return err
		}
		if *asJSON {
			if b, ok := appendClassifyJSON(w.AvailableBuffer(), &res, w.sla); ok {
				_, err := w.Write(b)
				return err
			}
			// Encode writes what Marshal and a newline did, HTML
			// escaping included, and words what cannot be encoded.
			return w.enc.Encode(res)
		}
		_, err = fmt.Fprintf(w, "%s: %s %s (rule %s) %s\n", res.Team, res.Decision.Urgency, orDash(res.Decision.Category), res.Decision.Rule, res.Explanation)
		if err == nil && res.Decision.Answer != "" {
			// What the requester would see first, and from which rule:
			// often a continue rule, not the one that decided.
			_, err = fmt.Fprintf(w, "  answer (rule %s): %s\n", res.Decision.AnswerBy(), res.Decision.Answer)
		}
		return err
	}
	if len(pos) > 0 {
		buf := newAnswerBuf()
		if err := answer(buf, classifyLine{Summary: strings.Join(pos, " ")}); err != nil {
			return fail(env, err)
		}
		if _, err := env.Stdout.Write(buf.Bytes()); err != nil {
			return fail(env, fmt.Errorf("write answers: %w", err))
		}
		return ExitOK
	}
	return classifyStream(env, env.Stdin, out, answer)
}

// classify runs one input through the team's rules, as Intake would.
func classify(st *triage.Settings, in classifyLine, now time.Time) (classifyResult, error) {
	var t *triage.Team
	if in.Team != "" {
		var err error
		if t, err = st.LookupTeam(in.Team); err != nil {
			return classifyResult{}, errors.New(triage.ErrorMessage(err))
		}
	}
	if t == nil && in.Channel != "" {
		t = st.TeamForChannel(in.Channel, in.Channel)
	}
	if t == nil && len(st.Teams) > 0 {
		t = st.Teams[0]
	}
	at, err := parseTime(in.At, t.Location, now)
	if err != nil {
		return classifyResult{}, fmt.Errorf("at: %w", err)
	}
	var needed time.Time
	if in.NeededBy != "" {
		if needed, err = parseTime(in.NeededBy, t.Location, now); err != nil {
			return classifyResult{}, fmt.Errorf("needed_by: %w", err)
		}
	}
	summary := in.Summary
	if summary == "" {
		summary = in.Text
	}
	if strings.TrimSpace(summary+in.Details) == "" {
		return classifyResult{}, errors.New(`no text to classify; give "summary" (or "text")`)
	}
	ch := strings.TrimPrefix(in.Channel, "#")
	d := t.Rules.Classify(classifier.Input{Summary: summary, Details: in.Details, Type: in.Type, Impact: in.Impact,
		Channel: ch, ChannelName: ch, Requester: in.User, BusinessHours: t.Hours.Contains(at), At: at, NeededBy: needed})
	return classifyResult{Team: t.Name, Decision: d, Explanation: d.Explain()}, nil
}

// parseTime reads RFC 3339, or a local "2006-01-02T15:04" / "2006-01-02" in
// loc; "" is now.
func parseTime(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if s == "" {
		return now, nil
	}
	// RFC 3339 needs at least 20 bytes and the local layouts at most 16:
	// trying only the one that can fit spares a parse error per line.
	if len(s) >= len("2006-01-02T15:04:05Z") {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (write 2026-11-17T14:30 in the team's zone, or RFC 3339)", s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
