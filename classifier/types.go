package classifier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// SLA is how soon a request must be acknowledged and resolved. A zero
// duration means "no target". SLA values are safe for concurrent reads.
type SLA struct {
	Ack     time.Duration
	Resolve time.Duration
}

// slaJSON is SLA on the wire: durations as "15m", "4h", like in the rules.
type slaJSON struct {
	Ack     string `json:"ack,omitempty"`
	Resolve string `json:"resolve,omitempty"`
}

// MarshalJSON writes {"ack":"15m","resolve":"4h"}, leaving out unset targets.
// It writes the object by hand: a duration's text needs no escaping, and
// every stored request carries two SLAs, so json.Marshal of slaJSON (a
// second encoder per SLA) showed in serve's profile.
func (s SLA) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 40)
	b = append(b, '{')
	if s.Ack != 0 {
		b = append(append(append(b, `"ack":"`...), formatDuration(s.Ack)...), '"')
	}
	if s.Resolve != 0 {
		if s.Ack != 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, `"resolve":"`...), formatDuration(s.Resolve)...), '"')
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes. What MarshalJSON writes is
// read by hand (scanSLA); anything else, another order, white space or a
// key in another case included, goes through encoding/json, as it did
// always: a nested json.Unmarshal per SLA, twice per stored request
// decoded, was a tenth of serve's JSON decoding.
func (s *SLA) UnmarshalJSON(b []byte) error {
	out, ok := scanSLA(b)
	if !ok {
		var err error
		if out, err = decodeSLA(b); err != nil {
			return err
		}
	}
	*s = out
	return nil
}

// decodeSLA reads any JSON form of an SLA with encoding/json.
func decodeSLA(b []byte) (SLA, error) {
	var w slaJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return SLA{}, fmt.Errorf("decode sla: %w", err)
	}
	var out SLA
	for _, f := range []struct {
		text string
		dst  *time.Duration
	}{{w.Ack, &out.Ack}, {w.Resolve, &out.Resolve}} {
		if f.text == "" {
			continue
		}
		d, err := time.ParseDuration(f.text)
		if err != nil {
			return SLA{}, fmt.Errorf("decode sla: %w", err)
		}
		*f.dst = d
	}
	return out, nil
}

// scanSLA reads exactly the shapes MarshalJSON writes: {}, {"ack":"D"},
// {"resolve":"D"} and {"ack":"D","resolve":"D"}, each D a duration
// without escapes. It declines everything else.
func scanSLA(b []byte) (SLA, bool) {
	var out SLA
	rest, ok := bytes.CutPrefix(b, []byte("{"))
	if !ok {
		return out, false
	}
	if r, ok := bytes.CutPrefix(rest, []byte(`"ack":"`)); ok {
		if out.Ack, rest, ok = slaDuration(r); !ok {
			return out, false
		}
		if r, ok := bytes.CutPrefix(rest, []byte(`,"resolve":"`)); ok {
			if out.Resolve, rest, ok = slaDuration(r); !ok {
				return out, false
			}
		}
	} else if r, ok := bytes.CutPrefix(rest, []byte(`"resolve":"`)); ok {
		if out.Resolve, rest, ok = slaDuration(r); !ok {
			return out, false
		}
	}
	return out, string(rest) == "}"
}

// slaDuration reads a duration up to its closing quote, and what follows.
func slaDuration(b []byte) (time.Duration, []byte, bool) {
	text, rest, ok := bytes.Cut(b, []byte(`"`))
	if !ok || bytes.IndexByte(text, '\\') >= 0 {
		return 0, nil, false
	}
	d, err := time.ParseDuration(string(text))
	return d, rest, err == nil
}

// Rule is one rule as the team wrote it. Its conditions are all optional and
// all must hold; a rule without conditions is only allowed as the Default or
// as a Continue rule. Compile copies rules, so a caller may reuse the slice.
type Rule struct {
	Name string

	// Any, All and None are keywords or phrases, matched as whole words,
	// case-insensitively, on the prose of Summary + "\n" + Details (see In).
	Any, All, None []string
	// Regex is an RE2 expression matched on the same normalized text as
	// the words: by default the prose of Summary + "\n" + Details.
	Regex string
	// In says which parts of the normalized text (see Normalize) Any, All,
	// None and Regex look at: "text" (the prose; the default when empty)
	// and "code" (code blocks, inline code and pasted log lines). A regex
	// given both sees the prose, a line break, then the code.
	In []string
	// Type and Impact list accepted values of the request modal's fields,
	// compared case-insensitively.
	Type, Impact []string
	// Channel lists channel ids ("C0123") or names ("#ops").
	Channel []string
	// RequesterIn lists user ids ("U0123") or user-group handles ("@sre"),
	// the latter resolved through Options.Groups at Compile time.
	RequesterIn []string
	// When is "", "business_hours" or "after_hours".
	When string
	// NeededWithin holds when the request has a deadline no further than
	// this from Input.At (an overdue deadline counts as within).
	NeededWithin time.Duration

	// Urgency is required unless Continue is true; a Continue rule must
	// leave it zero, since it never decides urgency.
	Urgency Urgency
	// UrgencyAtLeast and UrgencyAtMost, only on a Continue rule, raise the
	// decided urgency to at least this urgent, or lower it to at most
	// this urgent, whichever rule decides. A team states "whatever blocks
	// a release is P2 or more" once instead of in every rule. Zero is
	// unset; a rule has at most one of them. When the bound moves the
	// urgency, the rule's SLA targets replace the deciding rule's.
	UrgencyAtLeast, UrgencyAtMost Urgency

	Category string
	// Estimate is in the team's budget unit; 0 means "not set".
	Estimate float64
	Labels   []string
	SLA      SLA
	// Team routes the request to another team.
	Team string
	// Continue makes a matching rule add its labels (and fill what the
	// deciding rule leaves empty) and let evaluation go on.
	Continue bool
	// Default marks the catch-all rule; it must have no conditions.
	Default bool
	// Answer is a text or link that may solve the request by itself (a
	// runbook, say); the requester sees it before anyone on call does.
	// On a continue rule it answers what the deciding rule has no answer
	// for.
	Answer string
}

// SetsNothing reports whether r, as a continue rule, would change nothing
// in the decisions it joins: no labels, category, estimate, SLA, team,
// answer or urgency bound. Compile refuses such a rule.
func (r Rule) SetsNothing() bool {
	return len(r.Labels) == 0 && r.Category == "" && r.Estimate == 0 && r.SLA == (SLA{}) && r.Team == "" &&
		r.Answer == "" && r.UrgencyAtLeast == 0 && r.UrgencyAtMost == 0
}

// Input is the request being classified. Times are instants; their location
// does not matter because only their difference is used.
type Input struct {
	Summary, Details string
	Type, Impact     string
	Channel          string // channel id, e.g. C0123
	ChannelName      string // channel name, with or without '#'
	Requester        string // Slack user id
	// BusinessHours tells whether At falls in the team's business hours;
	// the caller computes it from the team's calendar and time zone.
	BusinessHours bool
	At            time.Time
	NeededBy      time.Time // zero if the requester gave no deadline
}

// Options holds what Compile needs from outside the rules.
type Options struct {
	// Groups maps a user-group handle (without '@') to its members' user
	// ids. When Groups is nil, handles are not checked and match nobody,
	// which lets `sprintguard check` validate rules without Slack access;
	// when it is non-nil, an unknown handle is a compile error.
	Groups map[string][]string
}

// Decision is the outcome of classifying one request. A Decision is a plain
// value; its slices are never shared with the Set that produced it.
type Decision struct {
	Urgency  Urgency  `json:"urgency"`
	Category string   `json:"category,omitempty"`
	Estimate float64  `json:"estimate,omitempty"`
	Labels   []string `json:"labels,omitempty"`
	SLA      SLA      `json:"sla,omitzero"`
	Team     string   `json:"team,omitempty"`
	// Rule is the rule that decided urgency: the first matching rule
	// without Continue, or the default rule.
	Rule string `json:"rule"`
	// Default is true when the default rule decided.
	Default bool `json:"default,omitempty"`
	// Matched lists what made Rule match: keywords and phrases as written,
	// the regex match, "type=deploy", "channel=#ops", "after_hours", ...
	Matched []string `json:"matched,omitempty"`
	// Also names the Continue rules that matched before Rule.
	Also []string `json:"also,omitempty"`
	// Answer is the deciding rule's answer, or else the first matching
	// continue rule's, if any has one.
	Answer string `json:"answer,omitempty"`
	// AnswerRule names the rule that carried Answer: with the README's
	// pattern, a continue rule on "vpn", it is not Rule, and the
	// requester must be told which rule spoke.
	AnswerRule string `json:"answer_rule,omitempty"`
	// Modifier names the Continue rule whose urgency_at_least or
	// urgency_at_most changed Urgency from RuleUrgency, what Rule said;
	// both are empty when Rule's urgency stands.
	Modifier    string  `json:"modifier,omitempty"`
	RuleUrgency Urgency `json:"rule_urgency,omitempty"`
}

// AnswerBy names the rule whose answer d carries. A decision stored before
// AnswerRule existed has only Rule to go by.
func (d *Decision) AnswerBy() string {
	if d.AnswerRule != "" {
		return d.AnswerRule
	}
	return d.Rule
}
