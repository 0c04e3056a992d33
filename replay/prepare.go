package replay

import (
	"strings"

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
	team := p.team
	switch {
	case !s.exp.IsTopLevelHuman(*m):
		p.skip = skipReason(*m)
		return
	case team == nil:
		p.skip = "not an intake channel"
		return
	case team.OptOut != "" && strings.HasPrefix(strings.TrimSpace(m.Text), team.OptOut):
		p.skip = "opted out"
		return
	}
	summary, details := Split(slackexport.PlainText(m.Text, s.exp.Users))
	if summary == "" {
		p.skip = "empty"
		return
	}
	p.in = triage.NewRequest{
		Team: team.Name, Source: triage.SourceReplay,
		Channel: m.Channel, ChannelName: m.ChannelName, TS: m.TS,
		User: m.User, UserName: s.exp.Users[m.User].Label(),
		Summary: summary, Details: details, At: m.Time,
	}
	// An error here is Intake's to report, in order: it classifies again.
	var err error
	if p.classified, err = s.svc.Classify(p.in); err == nil {
		p.in.Classified = &p.classified
	}
}
