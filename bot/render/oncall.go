package render

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// maxDetails bounds the request details quoted to the on-call; the ticket
// has the whole text.
const maxDetails = 600

// OnCall returns the on-call's message about r, with the buttons that fit
// its status: open requests can be acknowledged, re-prioritised, resolved
// or deferred; closed ones show who closed them and when. A claimed
// emergency shows the claim and, while it is pending, only its two answers.
// Broadcast mentions are left to the caller.
func OnCall(r *triage.Request, team *triage.Team) Message {
	loc, u := zone(team), unit(team)
	blocks := []slack.Block{section(title(r)), section(facts(r, loc, u))}
	for _, s := range []string{quote(r), links(r), similarText(r, u)} {
		if s != "" {
			blocks = append(blocks, section(s))
		}
	}
	title := titleText(r) + " (from " + mention(r.User) + ")"
	if r.ClaimState != "" {
		blocks = append(blocks, claimBlocks(r, loc)...)
		title = ClaimLine(r) + ": " + title
	}
	switch {
	case r.ClaimOpen():
		// The claim's answer comes first; the usual buttons follow it.
	case r.Status == triage.StatusOpen:
		blocks = append(blocks, onCallActions(r, team, true))
	case r.Status == triage.StatusAcknowledged:
		blocks = append(blocks, onCallActions(r, team, false), note(acked(r, loc)))
	case r.Status == triage.StatusPending:
		blocks = append(blocks, note("Waiting for a lead's approval before it enters the sprint."))
	case r.Status.Closed():
		blocks = append(blocks, note(closedLine(r, loc, u)))
	}
	return message(title, blocks...)
}

// facts lists who asked, where, why this urgency, what it costs and the
// SLA, one per line.
func facts(r *triage.Request, loc *time.Location, unit string) string {
	lines := []string{"*Requester:* " + mention(r.User)}
	if where := channel(r.Channel, r.ChannelName); where != "" {
		if p := triage.Permalink(r); p != "" {
			where += " · " + link(p, "view message")
		}
		lines = append(lines, "*Asked in:* "+where)
	}
	lines = append(lines, "*Why:* "+urgencyWhy(r))
	est := "*Estimate:* " + amount(r.Estimate, unit)
	switch {
	case !r.Charged():
		est += " · not charged to this sprint's interrupt budget"
	case r.OverBudget:
		est += " · charged to sprint " + itoa(r.Sprint) + " *over* its interrupt budget"
	default:
		est += " · charged to sprint " + itoa(r.Sprint) + "'s interrupt budget"
	}
	lines = append(lines, est)
	if s := slaLine(r.Decision.SLA, slaStart(r), loc); s != "" {
		lines = append(lines, "*SLA:* "+s)
	}
	if !r.NeededBy.IsZero() {
		lines = append(lines, "*Needed by:* "+day(r.NeededBy, loc))
	}
	return strings.Join(lines, "\n")
}

// slaLine renders the rule's SLA with its deadlines in the team's zone.
func slaLine(sla classifier.SLA, start time.Time, loc *time.Location) string {
	var parts []string
	if sla.Ack > 0 {
		parts = append(parts, "acknowledge within "+duration(sla.Ack)+" (by "+stamp(start.Add(sla.Ack), loc)+")")
	}
	if sla.Resolve > 0 {
		parts = append(parts, "resolve within "+duration(sla.Resolve)+" (by "+stamp(start.Add(sla.Resolve), loc)+")")
	}
	return strings.Join(parts, ", ")
}

// quote renders the details, cut so that the message stays readable; the
// ticket has the whole text.
func quote(r *triage.Request) string {
	d := strings.TrimSpace(r.Details)
	if r.Purged || d == "" {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(clipPlain(d, maxDetails), "\n") {
		lines = append(lines, "> "+Escape(l))
	}
	return strings.Join(lines, "\n")
}

// Bounds on the links shown to the on-call: a few, each short enough that
// together they fit one section.
const (
	maxLinks   = 5
	maxLinkURL = 400
)

// links renders the request's links, one per line. A URL too long to link
// is shown cut, as text.
func links(r *triage.Request) string {
	if r.Purged {
		return ""
	}
	var lines []string
	for i, l := range r.Links {
		if i == maxLinks {
			lines = append(lines, "and "+itoa(len(r.Links)-maxLinks)+" more links in the ticket")
			break
		}
		if len(l) > maxLinkURL {
			lines = append(lines, "• "+short(l, 80))
			continue
		}
		lines = append(lines, "• "+link(l, clipPlain(l, 80)))
	}
	return strings.Join(lines, "\n")
}

func acked(r *triage.Request, loc *time.Location) string {
	ev, ok := lastEvent(r, triage.ActAcknowledge)
	if !ok {
		return "Acknowledged"
	}
	return "Acknowledged" + byWhom(ev.Actor) + " on " + stamp(ev.At, loc)
}

// onCallActions returns the on-call's buttons for an open request, or for
// an acknowledged one when ack is false.
func onCallActions(r *triage.Request, team *triage.Team, ack bool) *slack.ActionBlock {
	id := idValue(r.ID)
	var els []slack.BlockElement
	if ack {
		els = append(els, button(ActionAck, id, "Acknowledge", slack.StylePrimary))
	}
	els = append(els, urgencySelect(r), categorySelect(r, team), button(ActionResolve, id, "Resolve", slack.StyleDefault))
	deferBtn := button(ActionDefer, id, "Defer to next sprint", slack.StyleDefault)
	deferBtn.WithConfirm(slack.NewConfirmationBlockObject(
		plain("Defer to the next sprint?", 100),
		plain("It leaves this sprint, its estimate goes back to the interrupt budget and the requester is told when the next sprint starts.", 300),
		plain("Defer", 30), plain("Cancel", 30)))
	els = append(els, deferBtn)
	return slack.NewActionBlock("sg_oncall", els...)
}

// urgencySelect lets the on-call override the urgency.
func urgencySelect(r *triage.Request) *slack.SelectBlockElement {
	var cs []choice
	for u := classifier.P1; u <= classifier.P4; u++ {
		cs = append(cs, choice{urgencyValue(r.ID, u), u.String() + " " + u.Name()})
	}
	return changeSelect("Change urgency", ActionUrgency, cs, urgencyValue(r.ID, r.Urgency))
}

// changeSelect is a static select of cs with the current value
// pre-selected, so that the menu shows it.
func changeSelect(label, actionID string, cs []choice, current string) *slack.SelectBlockElement {
	opts := options(cs)
	s := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(label, 150), actionID, opts...)
	for _, o := range opts {
		if o.Value == current {
			s.WithInitialOption(o)
		}
	}
	return s
}

// Approval returns the message asking team's leads to approve r into the
// sprint although the interrupt budget cannot hold it. Once someone has
// decided (status no longer pending), the buttons give way to who decided.
func Approval(r *triage.Request, team *triage.Team) Message {
	loc, u := zone(team), unit(team)
	lines := []string{"*Requester:* " + mention(r.User)}
	if where := channel(r.Channel, r.ChannelName); where != "" {
		lines = append(lines, "*Asked in:* "+where)
	}
	lines = append(lines,
		"*Why:* "+explanation(r),
		"*Why it needs approval:* the sprint's interrupt budget is spent; it cannot hold the estimate of "+amount(r.Estimate, u)+".",
		"*Approve* takes it into this sprint over budget; *Defer* queues it for the next sprint; *Decline* closes it undone, and the requester is told.")
	blocks := []slack.Block{section("*Approval needed:* " + title(r)), section(strings.Join(lines, "\n"))}
	if r.Status == triage.StatusPending {
		id := idValue(r.ID)
		// A decline is final for the requester, so it asks first, as the
		// on-call's Defer does.
		decline := button(ActionDecline, id, "Decline", slack.StyleDanger)
		decline.WithConfirm(slack.NewConfirmationBlockObject(
			plain("Decline this request?", 100),
			plain("It will not be done: it leaves the sprint and the requester is told who declined it.", 300),
			plain("Decline", 30), plain("Cancel", 30)))
		blocks = append(blocks, slack.NewActionBlock("sg_approval",
			button(ActionApprove, id, "Approve into sprint", slack.StylePrimary),
			button(ActionDefer, id, "Defer", slack.StyleDefault), decline))
	} else {
		blocks = append(blocks, note(decided(r, loc, u)))
	}
	return message("Approval needed: "+titleText(r), blocks...)
}

// decided says who answered an approval request and how.
func decided(r *triage.Request, loc *time.Location, unit string) string {
	ev, ok := lastEvent(r, triage.ActApprove, triage.ActDeferReq, triage.ActDecline)
	switch {
	case !ok:
		return "Now " + statusLabel(r.Status) + "."
	case ev.Kind == triage.ActApprove:
		return "Approved into the sprint" + byWhom(ev.Actor) + " on " + stamp(ev.At, loc) + "."
	case ev.Kind == triage.ActDeferReq:
		s := "Deferred to the next sprint" + byWhom(ev.Actor) + " on " + stamp(ev.At, loc)
		if !r.SprintStart.IsZero() {
			s += " (it starts " + day(r.SprintStart, loc) + ")"
		}
		return s + "."
	}
	return closedLine(r, loc, unit) + "."
}
