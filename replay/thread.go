package replay

import (
	"context"
	"fmt"
	"strings"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// doneWords in a team member's thread reply mean the request was resolved:
// an export records no button clicks, so the conversation stands in for them.
var doneWords = []string{"done", "fixed", "resolved", "granted", "merged", "deployed", "closing", "sorted", "works now"}

// reply turns a team member's reply under a request into its lifecycle: the
// first reply acknowledges, a reply saying it is done resolves.
func (s *simulation) reply(ctx context.Context, p *prepared) error {
	m := &p.m
	if p.in.Team == "" {
		s.skipped(m, "thread reply")
	}
	req, ok := s.requests[msgKey{m.Channel, m.ThreadTS}]
	if !ok {
		return nil
	}
	if n := s.waiting[req.id]; n > 1 {
		s.waiting[req.id] = n - 1
	} else {
		delete(s.waiting, req.id)
	}
	if m.Subtype != "" {
		return nil
	}
	// A rule may have routed the request to another team than the channel's:
	// only that team's members act on it.
	if owner := s.settings.Team(req.team); owner == nil || !owner.IsMember(m.User) {
		return nil
	}
	action := triage.ActAcknowledge
	if p.saysDone {
		action = triage.ActResolve
	}
	if _, _, err := s.svc.Apply(ctx, req.id, triage.Change{Actor: m.User, Action: action}); err != nil {
		return fmt.Errorf("replay %s %s: %w", m.File, m.TS, err)
	}
	return nil
}

func saysDone(text string) bool {
	words := " " + strings.Join(classifier.SplitWords(text), " ") + " "
	for _, w := range doneWords {
		if strings.Contains(words, " "+w+" ") {
			return true
		}
	}
	return false
}
