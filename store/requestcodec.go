package store

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/jsonwrite"
	"github.com/sprintguard/sprintguard/triage"
)

// encodeRequest returns r as encoding/json writes it, byte for byte.
// Encoding and decoding the stored request with reflection was about a
// tenth of serve's CPU while a burst drained, so the common form is
// written by hand (appendRequest); what it cannot write the same way (an
// invalid urgency, a NaN, a year past 9999) goes through encoding/json,
// which also gives the error. TestRequestCodecMatchesJSON holds the two
// to the same bytes.
func encodeRequest(r *triage.Request) ([]byte, error) {
	if b, ok := appendRequest(make([]byte, 0, 1024), r); ok {
		return b, nil
	}
	return json.Marshal(r)
}

// decodeRequest reads a stored request into a new Request, as
// json.Unmarshal would. scanRequest reads the form appendRequest writes;
// anything else (an older field order, white space, escapes it does not
// take, a syntax error) is left to encoding/json.
func decodeRequest(v []byte) (*triage.Request, error) {
	r := new(triage.Request)
	if scanRequest(v, r) {
		return r, nil
	}
	*r = triage.Request{}
	if err := json.Unmarshal(v, r); err != nil {
		return nil, err
	}
	return r, nil
}

// appendRequest appends r as encoding/json writes it (field order, omitempty,
// omitzero, HTML-safe escaping) and reports false when it cannot.
func appendRequest(b []byte, r *triage.Request) ([]byte, bool) {
	e := encoder{b: b, ok: true}
	e.b = append(e.b, `{"id":`...)
	e.b = strconv.AppendInt(e.b, r.ID, 10)
	e.str(`,"team":`, r.Team)
	e.str(`,"source":`, string(r.Source))
	e.strOmit(`,"channel":`, r.Channel)
	e.strOmit(`,"channel_name":`, r.ChannelName)
	e.strOmit(`,"ts":`, r.TS)
	e.strOmit(`,"thread_ts":`, r.ThreadTS)
	e.str(`,"user":`, r.User)
	e.strOmit(`,"user_name":`, r.UserName)
	e.strOmit(`,"requester_team":`, r.RequesterTeam)
	e.str(`,"summary":`, r.Summary)
	e.strOmit(`,"details":`, r.Details)
	e.strOmit(`,"type":`, r.Type)
	e.strOmit(`,"impact":`, r.Impact)
	e.timeOmit(`,"needed_by":`, r.NeededBy)
	e.strings(`,"links":`, r.Links)
	if r.Claimed != 0 {
		e.urgency(`,"claimed":`, r.Claimed)
	}
	e.strOmit(`,"claim_state":`, string(r.ClaimState))
	e.sla(`,"claim_sla":`, r.ClaimSLA)
	e.str(`,"ticketed_by":`, string(r.TicketedBy))
	e.time(`,"created_at":`, r.CreatedAt)
	e.decision(`,"decision":`, &r.Decision)
	e.urgency(`,"urgency":`, r.Urgency)
	if len(r.Overrides) > 0 {
		e.b = append(e.b, `,"overrides":[`...)
		for i, o := range r.Overrides {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.time(`{"at":`, o.At)
			e.str(`,"actor":`, o.Actor)
			e.urgency(`,"from":`, o.From)
			e.urgency(`,"to":`, o.To)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.strOmit(`,"category":`, r.Category)
	e.str(`,"outcome":`, string(r.Outcome))
	e.str(`,"status":`, string(r.Status))
	e.boolOmit(`,"over_budget":`, r.OverBudget)
	e.b = append(e.b, `,"sprint":`...)
	e.b = strconv.AppendInt(e.b, int64(r.Sprint), 10)
	e.time(`,"sprint_start":`, r.SprintStart)
	e.float(`,"estimate":`, r.Estimate)
	e.floatOmit(`,"actual":`, r.Actual)
	e.boolOmit(`,"has_actual":`, r.HasActual)
	e.floatOmit(`,"logged":`, r.Logged)
	e.strOmit(`,"assignee":`, r.Assignee)
	if r.Ticket != (triage.Ticket{}) {
		e.str(`,"ticket":{"key":`, r.Ticket.Key)
		e.strOmit(`,"url":`, r.Ticket.URL)
		e.b = append(e.b, '}')
	}
	e.timeOmit(`,"acked_at":`, r.AckedAt)
	e.timeOmit(`,"resolved_at":`, r.ResolvedAt)
	e.timeOmit(`,"notify_at":`, r.NotifyAt)
	e.timeOmit(`,"escalated_at":`, r.EscalatedAt)
	e.b = append(e.b, `,"events":`...)
	if r.Events == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i, ev := range r.Events {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.time(`{"at":`, ev.At)
			e.str(`,"kind":`, ev.Kind)
			e.strOmit(`,"actor":`, ev.Actor)
			e.strOmit(`,"detail":`, ev.Detail)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	if len(r.Posts) > 0 {
		e.b = append(e.b, `,"posts":[`...)
		for i, p := range r.Posts {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.str(`{"kind":`, p.Kind)
			e.str(`,"channel":`, p.Channel)
			e.str(`,"ts":`, p.TS)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	if len(r.Similar) > 0 {
		e.b = append(e.b, `,"similar":[`...)
		for i, s := range r.Similar {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = append(e.b, `{"id":`...)
			e.b = strconv.AppendInt(e.b, s.ID, 10)
			e.str(`,"ref":`, s.Ref)
			e.str(`,"summary":`, s.Summary)
			e.urgency(`,"urgency":`, s.Urgency)
			e.str(`,"status":`, string(s.Status))
			e.strOmit(`,"resolver":`, s.Resolver)
			e.strOmit(`,"assignee":`, s.Assignee)
			e.floatOmit(`,"actual":`, s.Actual)
			e.boolOmit(`,"has_actual":`, s.HasActual)
			e.strOmit(`,"answered_by":`, s.AnsweredBy)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.boolOmit(`,"similar_done":`, r.SimilarDone)
	e.strOmit(`,"estimate_why":`, r.EstimateWhy)
	e.floatOmit(`,"rule_estimate":`, r.RuleEstimate)
	e.strOmit(`,"deflection":`, r.Deflection)
	e.boolOmit(`,"purged":`, r.Purged)
	e.b = append(e.b, '}')
	return e.b, e.ok
}

// encoder appends JSON; ok turns false at the first value it cannot write
// as encoding/json would.
type encoder struct {
	b  []byte
	ok bool
}

// decision writes d with its own appender, which the CLI's classify
// shares.
func (e *encoder) decision(key string, d *classifier.Decision) {
	b, ok := d.AppendJSON(append(e.b, key...), nil)
	if !ok {
		e.ok = false
		return
	}
	e.b = b
}

func (e *encoder) str(key, s string) {
	e.b = jsonwrite.String(append(e.b, key...), s)
}

func (e *encoder) strOmit(key, s string) {
	if s != "" {
		e.str(key, s)
	}
}

// strings writes an omitempty list of strings.
func (e *encoder) strings(key string, list []string) {
	e.b = jsonwrite.Strings(e.b, key, list)
}

func (e *encoder) boolOmit(key string, v bool) {
	if v {
		e.b = append(append(e.b, key...), "true"...)
	}
}

// float writes f as encoding/json does; NaN and infinities are errors
// it reports.
func (e *encoder) float(key string, f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.ok = false
		return
	}
	e.b = jsonwrite.Float(append(e.b, key...), f)
}

func (e *encoder) floatOmit(key string, f float64) {
	if f != 0 {
		e.float(key, f)
	}
}

func (e *encoder) time(key string, t time.Time) {
	e.b = append(append(e.b, key...), '"')
	b, err := t.AppendText(e.b)
	if err != nil {
		e.ok = false
		return
	}
	e.b = append(b, '"')
}

func (e *encoder) timeOmit(key string, t time.Time) {
	if !t.IsZero() {
		e.time(key, t)
	}
}

// urgency writes u's text, "P1" to "P4"; any other value is an error
// encoding/json reports.
func (e *encoder) urgency(key string, u classifier.Urgency) {
	if !u.Valid() {
		e.ok = false
		return
	}
	e.b = append(append(e.b, key...), '"', 'P', byte('0'+u), '"')
}

// sla writes an omitzero SLA with its own MarshalJSON, whose output is
// already compact and needs no escaping.
func (e *encoder) sla(key string, s classifier.SLA) {
	if s == (classifier.SLA{}) {
		return
	}
	v, err := s.MarshalJSON()
	if err != nil {
		e.ok = false
		return
	}
	e.b = append(append(e.b, key...), v...)
}
