package store

import (
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/jsonscan"
	"github.com/sprintguard/sprintguard/triage"
)

// scanRequest reads into r, a zero Request, a request in the form
// appendRequest writes: its keys in that order, each at most once, any of
// them left out, no white space. It reports false for anything else, and
// r is then to be thrown away. What it reads, it reads as json.Unmarshal
// does: strings with jsonscan.String, times with time.Time's own
// UnmarshalJSON.
func scanRequest(v []byte, r *triage.Request) bool {
	return scan(v, r, false)
}

// scanText is scanRequest for what triage.TextOf keeps: it checks
// everything scanRequest does, and copies out only the text's strings.
func scanText(v []byte, r *triage.Request) bool {
	return scan(v, r, true)
}

func scan(v []byte, r *triage.Request, text bool) bool {
	s := scanner{b: v, ok: true, text: text}
	if !s.open() {
		return false
	}
	if s.field("id") {
		r.ID = s.int()
	}
	if s.field("team") {
		r.Team = s.keep()
	}
	if s.field("source") {
		r.Source = triage.Source(s.str())
	}
	if s.field("channel") {
		r.Channel = s.str()
	}
	if s.field("channel_name") {
		r.ChannelName = s.str()
	}
	if s.field("ts") {
		r.TS = s.str()
	}
	if s.field("thread_ts") {
		r.ThreadTS = s.str()
	}
	if s.field("user") {
		r.User = s.str()
	}
	if s.field("user_name") {
		r.UserName = s.str()
	}
	if s.field("requester_team") {
		r.RequesterTeam = s.str()
	}
	if s.field("summary") {
		r.Summary = s.keep()
	}
	if s.field("details") {
		r.Details = s.keep()
	}
	if s.field("type") {
		r.Type = s.str()
	}
	if s.field("impact") {
		r.Impact = s.str()
	}
	if s.field("needed_by") {
		s.time(&r.NeededBy)
	}
	if s.field("links") {
		r.Links = s.strings()
	}
	if s.field("claimed") {
		r.Claimed = s.urgency()
	}
	if s.field("claim_state") {
		r.ClaimState = triage.ClaimState(s.str())
	}
	if s.field("claim_sla") {
		s.sla(&r.ClaimSLA)
	}
	if s.field("ticketed_by") {
		r.TicketedBy = triage.TicketedBy(s.str())
	}
	if s.field("created_at") {
		s.time(&r.CreatedAt)
	}
	if s.field("decision") {
		s.decision(&r.Decision)
	}
	if s.field("urgency") {
		r.Urgency = s.urgency()
	}
	if s.field("overrides") {
		s.array(func() {
			var o triage.UrgencyChange
			s.object(func() {
				if s.field("at") {
					s.time(&o.At)
				}
				if s.field("actor") {
					o.Actor = s.str()
				}
				if s.field("from") {
					o.From = s.urgency()
				}
				if s.field("to") {
					o.To = s.urgency()
				}
			})
			if !s.text {
				r.Overrides = append(r.Overrides, o)
			}
		}, func() { r.Overrides = []triage.UrgencyChange{} }, func() { r.Overrides = nil })
	}
	if s.field("category") {
		r.Category = s.str()
	}
	if s.field("outcome") {
		r.Outcome = triage.Outcome(s.str())
	}
	if s.field("status") {
		r.Status = triage.Status(s.str())
	}
	if s.field("over_budget") {
		r.OverBudget = s.bool()
	}
	if s.field("sprint") {
		r.Sprint = int(s.int())
	}
	if s.field("sprint_start") {
		s.time(&r.SprintStart)
	}
	if s.field("estimate") {
		r.Estimate = s.float()
	}
	if s.field("actual") {
		r.Actual = s.float()
	}
	if s.field("has_actual") {
		r.HasActual = s.bool()
	}
	if s.field("logged") {
		r.Logged = s.float()
	}
	if s.field("assignee") {
		r.Assignee = s.str()
	}
	if s.field("ticket") {
		s.object(func() {
			if s.field("key") {
				r.Ticket.Key = s.str()
			}
			if s.field("url") {
				r.Ticket.URL = s.str()
			}
		})
	}
	if s.field("acked_at") {
		s.time(&r.AckedAt)
	}
	if s.field("resolved_at") {
		s.time(&r.ResolvedAt)
	}
	if s.field("notify_at") {
		s.time(&r.NotifyAt)
	}
	if s.field("escalated_at") {
		s.time(&r.EscalatedAt)
	}
	if s.field("events") {
		s.array(func() {
			var ev triage.Event
			s.object(func() {
				if s.field("at") {
					s.time(&ev.At)
				}
				if s.field("kind") {
					ev.Kind = s.str()
				}
				if s.field("actor") {
					ev.Actor = s.str()
				}
				if s.field("detail") {
					ev.Detail = s.str()
				}
			})
			if !s.text {
				r.Events = append(r.Events, ev)
			}
		}, func() { r.Events = []triage.Event{} }, func() { r.Events = nil })
	}
	if s.field("posts") {
		s.array(func() {
			var p triage.Post
			s.object(func() {
				if s.field("kind") {
					p.Kind = s.str()
				}
				if s.field("channel") {
					p.Channel = s.str()
				}
				if s.field("ts") {
					p.TS = s.str()
				}
			})
			if !s.text {
				r.Posts = append(r.Posts, p)
			}
		}, func() { r.Posts = []triage.Post{} }, func() { r.Posts = nil })
	}
	if s.field("similar") {
		s.array(func() {
			var m triage.Similar
			s.similar(&m)
			if !s.text {
				r.Similar = append(r.Similar, m)
			}
		}, func() { r.Similar = []triage.Similar{} }, func() { r.Similar = nil })
	}
	if s.field("similar_done") {
		r.SimilarDone = s.bool()
	}
	if s.field("estimate_why") {
		r.EstimateWhy = s.str()
	}
	if s.field("rule_estimate") {
		r.RuleEstimate = s.float()
	}
	if s.field("deflection") {
		r.Deflection = s.str()
	}
	if s.field("purged") {
		r.Purged = s.bool()
	}
	s.close()
	return s.ok && s.i == len(s.b)
}

func (s *scanner) decision(d *classifier.Decision) {
	s.object(func() {
		if s.field("urgency") {
			d.Urgency = s.urgency()
		}
		if s.field("category") {
			d.Category = s.str()
		}
		if s.field("estimate") {
			d.Estimate = s.float()
		}
		if s.field("labels") {
			d.Labels = s.strings()
		}
		if s.field("sla") {
			s.sla(&d.SLA)
		}
		if s.field("team") {
			d.Team = s.str()
		}
		if s.field("rule") {
			d.Rule = s.str()
		}
		if s.field("default") {
			d.Default = s.bool()
		}
		if s.field("matched") {
			d.Matched = s.strings()
		}
		if s.field("also") {
			d.Also = s.strings()
		}
		if s.field("answer") {
			d.Answer = s.str()
		}
		if s.field("answer_rule") {
			d.AnswerRule = s.str()
		}
		if s.field("modifier") {
			d.Modifier = s.str()
		}
		if s.field("rule_urgency") {
			d.RuleUrgency = s.urgency()
		}
	})
}

func (s *scanner) similar(m *triage.Similar) {
	s.object(func() {
		if s.field("id") {
			m.ID = s.int()
		}
		if s.field("ref") {
			m.Ref = s.str()
		}
		if s.field("summary") {
			m.Summary = s.str()
		}
		if s.field("urgency") {
			m.Urgency = s.urgency()
		}
		if s.field("status") {
			m.Status = triage.Status(s.str())
		}
		if s.field("resolver") {
			m.Resolver = s.str()
		}
		if s.field("assignee") {
			m.Assignee = s.str()
		}
		if s.field("actual") {
			m.Actual = s.float()
		}
		if s.field("has_actual") {
			m.HasActual = s.bool()
		}
		if s.field("answered_by") {
			m.AnsweredBy = s.str()
		}
	})
}

// scanner reads JSON from b at i. ok turns false at the first thing it
// does not take, and every read after that does nothing. first is set
// right after an object opens, when its next key has no comma before it.
type scanner struct {
	b     []byte
	i     int
	ok    bool
	first bool
	// text has str skip its copy: the strings scanText does not keep.
	text bool
}

// byte consumes c if it is next.
func (s *scanner) byte(c byte) bool {
	if s.ok && s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// lit consumes text if it is next.
func (s *scanner) lit(text string) bool {
	if s.ok && len(s.b)-s.i >= len(text) && string(s.b[s.i:s.i+len(text)]) == text {
		s.i += len(text)
		return true
	}
	return false
}

func (s *scanner) open() bool {
	if !s.byte('{') {
		s.ok = false
		return false
	}
	s.first = true
	return true
}

func (s *scanner) close() {
	if !s.byte('}') {
		s.ok = false
	}
	s.first = false
}

// object reads an object whose fields fields reads.
func (s *scanner) object(fields func()) {
	if s.open() {
		fields()
		s.close()
	}
}

// field consumes the key name, with the comma before it unless it is the
// object's first, and reports whether it was next.
func (s *scanner) field(name string) bool {
	if !s.ok {
		return false
	}
	rest := s.b[s.i:]
	if !s.first {
		if len(rest) == 0 || rest[0] != ',' {
			return false
		}
		rest = rest[1:]
	}
	n := len(name)
	if len(rest) < n+3 || rest[0] != '"' || string(rest[1:1+n]) != name || rest[1+n] != '"' || rest[2+n] != ':' {
		return false
	}
	s.i = len(s.b) - len(rest) + n + 3
	s.first = false
	return true
}

// array reads an array, calling elem for each element; empty and null
// are called for [] and null, which json.Unmarshal reads as an empty
// slice and as nil.
func (s *scanner) array(elem, empty, null func()) {
	switch {
	case s.lit("null"):
		null()
		return
	case !s.byte('['):
		s.ok = false
		return
	case s.byte(']'):
		empty()
		s.first = false
		return
	}
	for s.ok {
		elem()
		if s.byte(']') {
			break
		}
		if !s.byte(',') {
			s.ok = false
		}
	}
	s.first = false
}

// strings reads a list of strings; a scan of the text only keeps none.
func (s *scanner) strings() []string {
	var list []string
	s.array(func() {
		if v := s.str(); !s.text {
			list = append(list, v)
		}
	}, func() { list = []string{} }, func() {})
	return list
}

// str reads a string, "" for a scan of the text only.
func (s *scanner) str() string {
	if v := s.raw(); !s.text {
		return string(v)
	}
	return ""
}

// keep reads a string that every scan keeps.
func (s *scanner) keep() string {
	return string(s.raw())
}

// raw reads a string with jsonscan.String, which declines only what
// appendRequest never writes (a surrogate escape, invalid UTF-8), and
// returns its bytes, which may be s.b's own.
func (s *scanner) raw() []byte {
	if !s.ok {
		return nil
	}
	v, next, ok := jsonscan.String(s.b, s.i)
	if !ok {
		s.ok = false
		return nil
	}
	s.i = next
	return v
}

// int reads an integer with jsonscan.Int.
func (s *scanner) int() int64 {
	if !s.ok {
		return 0
	}
	n, next, ok := jsonscan.Int(s.b, s.i)
	if !ok {
		s.ok = false
		return 0
	}
	s.i = next
	return n
}

// float reads a number with jsonscan.Float.
func (s *scanner) float() float64 {
	if !s.ok {
		return 0
	}
	f, next, ok := jsonscan.Float(s.b, s.i)
	if !ok {
		s.ok = false
		return 0
	}
	s.i = next
	return f
}

func (s *scanner) bool() bool {
	switch {
	case s.lit("true"):
		return true
	case s.lit("false"):
		return false
	}
	s.ok = false
	return false
}

// time reads a time with time.Time's UnmarshalJSON, which json.Unmarshal
// calls with the quoted text as it stands.
func (s *scanner) time(t *time.Time) {
	if !s.ok || s.i >= len(s.b) || s.b[s.i] != '"' {
		s.ok = false
		return
	}
	end := s.i + 1
	for end < len(s.b) && s.b[end] != '"' && s.b[end] != '\\' {
		end++
	}
	if end >= len(s.b) || s.b[end] != '"' || t.UnmarshalJSON(s.b[s.i:end+1]) != nil {
		s.ok = false
		return
	}
	s.i = end + 1
}

// urgency reads an urgency's text as Urgency.UnmarshalText does.
func (s *scanner) urgency() classifier.Urgency {
	if s.ok && len(s.b)-s.i >= 4 && s.b[s.i] == '"' && s.b[s.i+1] == 'P' && s.b[s.i+3] == '"' {
		if u := classifier.Urgency(s.b[s.i+2] - '0'); u.Valid() {
			s.i += 4
			return u
		}
	}
	text := s.raw()
	if !s.ok {
		return 0
	}
	var u classifier.Urgency
	if err := u.UnmarshalText(text); err != nil {
		s.ok = false
	}
	return u
}

// sla reads an SLA, an object without nested ones in every form json.Unmarshal
// takes, with its own UnmarshalJSON.
func (s *scanner) sla(out *classifier.SLA) {
	if !s.ok || s.i >= len(s.b) || s.b[s.i] != '{' {
		s.ok = false
		return
	}
	end := s.i + 1
	for end < len(s.b) && s.b[end] != '}' && s.b[end] != '{' && s.b[end] != '[' {
		end++
	}
	if end >= len(s.b) || s.b[end] != '}' || out.UnmarshalJSON(s.b[s.i:end+1]) != nil {
		s.ok = false
		return
	}
	s.i = end + 1
	s.first = false
}
