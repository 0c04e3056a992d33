package render

import (
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// claimed names what the requester claimed: "emergency" for P1, else the
// urgency.
func claimed(r *triage.Request) string {
	if r.Claimed == classifier.P1 {
		return "emergency"
	}
	return r.Claimed.String()
}

// ClaimLine is the on-call's headline for a request whose requester
// claimed more urgency than the rules gave: "Claimed emergency, rules say
// P4 (rule `question`)". It is a pure function, safe for concurrent use.
func ClaimLine(r *triage.Request) string {
	return "Claimed " + claimed(r) + ", rules say " + r.Decision.Urgency.String() + " (rule `" + Escape(r.Decision.Rule) + "`)"
}

// claimBlocks renders r's claim for the on-call: while it is pending, the
// claim with [Confirm P1] and [Keep P4]; once answered, who answered how.
func claimBlocks(r *triage.Request, loc *time.Location) []slack.Block {
	head := section(":rotating_light: *" + ClaimLine(r) + ".* " + mention(r.User) + " pressed _This is an emergency_.")
	if r.ClaimOpen() {
		id := idValue(r.ID)
		confirm := button(ActionConfirmClaim, id, "Confirm "+r.Claimed.String(), slack.StyleDanger)
		keep := button(ActionKeepClaim, id, "Keep "+r.Decision.Urgency.String(), slack.StyleDefault)
		blocks := []slack.Block{head, slack.NewActionBlock("sg_claim", confirm, keep)}
		if ack := r.AckSLA(); ack > 0 {
			blocks = append(blocks, note("Answer within "+duration(ack)+" (by "+stamp(r.CreatedAt.Add(ack), loc)+"), or it escalates."))
		}
		return blocks
	}
	return []slack.Block{head, note(claimAnswer(r, loc))}
}

// claimAnswer says who answered r's claim, how and when.
func claimAnswer(r *triage.Request, loc *time.Location) string {
	ev, ok := lastEvent(r, triage.ActConfirmClaim, triage.ActKeepClaim)
	when := ""
	if ok {
		when = byWhom(ev.Actor) + " on " + stamp(ev.At, loc)
	}
	if r.ClaimState == triage.ClaimConfirmed {
		return capital(claimed(r)) + " confirmed" + when + ": now " + r.Urgency.String() + "."
	}
	return "Not confirmed: " + r.Decision.Urgency.String() + " kept" + when + "."
}

// claimedWith is claimed with its article: "an emergency", "P2".
func claimedWith(r *triage.Request) string {
	if r.Claimed == classifier.P1 {
		return "an emergency"
	}
	return r.Claimed.String()
}

// claimForRequester tells the requester where their claim stands; "" when
// they made none that the rules disagreed with.
func claimForRequester(r *triage.Request, loc *time.Location) string {
	switch r.ClaimState {
	case triage.ClaimPending:
		who := "The on-call"
		if r.Assignee != "" {
			who = mention(r.Assignee) + " (on call)"
		}
		return claimedWith(r) + "; the rules say " + r.Decision.Urgency.String() + ". " + who +
			" has been told and will confirm it or keep " + r.Decision.Urgency.String() + "."
	case triage.ClaimConfirmed, triage.ClaimKept:
		return claimAnswer(r, loc)
	}
	return ""
}
