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
	in   triage.NewRequest
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
		return
	}
	p.team = s.settings.TeamForChannel(m.Channel, m.ChannelName)
	team, src, by := p.team, triage.SourceReplay, triage.TicketedBy("")
	if team == nil {
		p.skip = "not an intake channel"
	} else {
		p.skip = team.NotAsked(s.posted(m))
	}
	if p.skip != "" {
		// As live, a team member's reaction makes a request of any
		// message, wherever it was posted and whoever posted it.
		reactor := ""
		if team, reactor = s.reactionTeam(m); team == nil {
			return
		}
		p.skip, p.team, src, by = "", team, triage.SourceReaction, triage.ByMember
		if reactor == m.User {
			by = triage.ByRequester
		}
	}
	summary, details := Split(slackexport.PlainText(m.Text, s.exp.Users))
	if summary == "" {
		p.skip = "empty"
		return
	}
	user := s.posted(m).Requester()
	name := s.exp.Users[user].Label()
	if user == m.BotID && m.Username != "" {
		name = m.Username
	}
	p.in = triage.NewRequest{
		Team: team.Name, Source: src, TicketedBy: by,
		Channel: m.Channel, ChannelName: m.ChannelName, TS: m.TS,
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
	return triage.Posted{User: m.User, BotID: m.BotID, Subtype: m.Subtype, Text: m.Text, ByBot: s.exp.Users[m.User].IsBot}
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
