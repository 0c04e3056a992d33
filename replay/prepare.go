package replay

import (
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

// prepared is a message and what the pipeline will need of it that
// depends on the message alone: its team, its skip reason, the request it
// would make with that request's classification, or for a thread reply
// whether it says the work is done. prepare fills it on any goroutine;
// message and reply use it in export order.
type prepared struct {
	m    slackexport.Message
	team *triage.Team
	// skip is why the message makes no request ("" when it makes one or
	// is a thread reply).
	skip string
	// in is the request the message makes; its Team is "" when it makes
	// none.
	in triage.NewRequest
	// classified is in's classification; in.Classified points to it.
	classified triage.Classified
	// saysDone is set on a thread reply with no subtype that says done.
	saysDone bool
}

// prepare works out p's team and request, and classifies the request:
// the share of the work that can run on other CPUs ahead of the
// pipeline, which keeps every decision in export order. It is safe for
// concurrent use.
func (s *simulation) prepare(p *prepared) {
	m := &p.m
	if m.IsThreadReply() {
		if m.Subtype == "" {
			p.saysDone = saysDone(slackexport.PlainText(m.Text, s.exp.Users))
		}
		// A reply is conversation about its thread, never a request by
		// itself; a team member's reaction makes one of it, as live.
		if team, reactor := s.reactionTeam(m); team != nil {
			s.request(p, team, triage.SourceReaction, reactor)
		}
		return
	}
	p.team = s.settings.TeamForChannel(m.Channel, m.ChannelName)
	if p.team == nil {
		p.skip = "not an intake channel"
	} else {
		p.skip = p.team.NotAsked(s.posted(m))
	}
	if p.skip == "" {
		s.request(p, p.team, triage.SourceReplay, "")
		return
	}
	// As live, a team member's reaction makes a request of any message,
	// wherever it was posted and whoever posted it.
	if team, reactor := s.reactionTeam(m); team != nil {
		p.skip, p.team = "", team
		s.request(p, team, triage.SourceReaction, reactor)
	}
}

// request fills in the request p's message makes for team, and classifies
// it; reactor is who made it one with a reaction, "" when it asks by
// itself. A message with no text to sum up is skipped as empty, and
// files with nothing to name them by as serve skips them, asking their
// author what they need.
func (s *simulation) request(p *prepared, team *triage.Team, src triage.Source, reactor string) {
	m := &p.m
	text, unnamed := words(m)
	if unnamed {
		p.skip = "file with no title or name"
		return
	}
	summary, details := triage.Summarize(slackexport.PlainText(text, s.exp.Users))
	if summary == "" {
		p.skip = "empty"
		return
	}
	user := s.posted(m).Requester()
	name := s.exp.Users[user].Label()
	if user == m.BotID && m.Username != "" {
		name = m.Username
	}
	var by triage.TicketedBy
	switch reactor {
	case "":
	case user:
		by = triage.ByRequester
	default:
		by = triage.ByMember
	}
	thread := ""
	if m.IsThreadReply() {
		thread = m.ThreadTS
	}
	p.in = triage.NewRequest{
		Team: team.Name, Source: src, TicketedBy: by,
		Channel: m.Channel, ChannelName: m.ChannelName, TS: m.TS, ThreadTS: thread,
		User: user, UserName: name,
		Summary: summary, Details: details, At: m.Time,
	}
	// An error here is Intake's to report, in order: it classifies again.
	var err error
	if p.classified, err = s.svc.Classify(p.in); err == nil {
		p.in.Classified = &p.classified
	}
}

// posted is m as the intake rule shared with serve reads it.
func (s *simulation) posted(m *slackexport.Message) triage.Posted {
	text, _ := words(m)
	return triage.Posted{User: m.User, BotID: m.BotID, Subtype: m.Subtype, Text: text, ByBot: s.exp.Users[m.User].IsBot}
}

// words is the text m stands for and whether it is files with nothing to
// name them by, decided as serve decides it (triage.MessageText).
func words(m *slackexport.Message) (string, bool) {
	return triage.MessageText(m.Text, m.Files)
}

// reactionTeam returns the team whose member's reaction on m makes it a
// request, and that member; nil when no reaction does. An export does not
// say when a reaction was added, so the first that counts wins.
func (s *simulation) reactionTeam(m *slackexport.Message) (*triage.Team, string) {
	for _, r := range m.Reactions {
		for _, u := range r.Users {
			if t := s.settings.ReactionTeam(m.Channel, m.ChannelName, u, r.Name); t != nil {
				return t, u
			}
		}
	}
	return nil, ""
}
