package render

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// EscalationLine says that r waited past its acknowledgement SLA and whom
// it went to (user ids), or, with nobody to go to, which setting of team
// is missing. It depends on r alone, so that the DM it heads reads the
// same when it is edited later.
func EscalationLine(r *triage.Request, team string, who []string) string {
	what, ack := "Not acknowledged", r.Decision.SLA.Ack
	if claimEscalated(r) {
		what, ack = ClaimLine(r)+": not answered", r.ClaimSLA.Ack
	}
	if len(who) == 0 {
		return ":rotating_light: " + what + " within " + duration(ack) + ", and oncall.escalate_to is not set for " + Escape(team) + "."
	}
	names := make([]string, len(who))
	for i, u := range who {
		names[i] = mention(u)
	}
	return ":rotating_light: " + what + " within " + duration(ack) + ": escalated to " + strings.Join(names, ", ") + "."
}

// claimEscalated reports whether r was escalated while its emergency claim
// waited for an answer, rather than later for want of an acknowledgement.
func claimEscalated(r *triage.Request) bool {
	if r.ClaimState == "" || r.EscalatedAt.IsZero() {
		return false
	}
	if r.ClaimOpen() {
		return true
	}
	ev, ok := lastEvent(r, triage.ActConfirmClaim, triage.ActKeepClaim)
	return ok && !ev.At.Before(r.EscalatedAt)
}

// Escalation returns the DM to whoever r was escalated to: line (see
// EscalationLine) on top of the on-call's message, with its buttons, so
// that the reader sees why it came and can act on it.
func Escalation(r *triage.Request, team *triage.Team, line string) Message {
	msg := OnCall(r, team)
	head := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, line, false, false), nil, nil)
	return Message{Text: line + " " + msg.Text, Blocks: append([]slack.Block{head}, msg.Blocks...)}
}
