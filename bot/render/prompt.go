package render

import (
	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// Prompt returns the thread reply to a message in an intake channel in
// prompt mode: [Create ticket] and [This is an emergency], both carrying
// ref so that the bot knows which message to turn into a request.
func Prompt(ref MessageRef) Message {
	const text = "Every request needs a ticket."
	return message(text,
		section("*"+text+"* Create one so the team can track it; it takes a few seconds."),
		slack.NewActionBlock("sg_intake",
			button(ActionCreateTicket, ref.value(), "Create ticket", slack.StylePrimary),
			button(ActionEmergency, ref.value(), "This is an emergency", slack.StyleDanger),
		),
	)
}

// NeedsTicketFirst returns the one-time answer to a team member who replies
// in the thread of a message that has no ticket yet.
func NeedsTicketFirst(ref MessageRef) Message {
	const text = "Work on this needs a ticket first."
	return message(text,
		section("*"+text+"* Create it now so the time spent counts against the interrupt budget."),
		slack.NewActionBlock("sg_intake",
			button(ActionCreateTicket, ref.value(), "Create ticket", slack.StylePrimary),
		),
	)
}

// PromptTicketed replaces a prompt, or the needs-a-ticket answer, once
// its message has a ticket: it names the ticket and how it came about,
// and has no buttons left to press.
func PromptTicketed(r *triage.Request) Message {
	how := "was ticketed"
	switch r.TicketedBy {
	case triage.ByDeadline:
		how = "was ticketed automatically, since nobody did within the deadline"
	case triage.ByMember:
		how = "was ticketed by the team"
	case triage.ByRequester:
		how = "was ticketed by its requester"
	}
	text := "This request " + how + ": " + ticketRef(r) + "."
	return message(text, section(":ticket: "+text+" Follow it there."))
}

// PromptAnswered replaces a prompt, or the needs-a-ticket answer, once
// its message is offered a rule's answer instead, as a message first
// posted with its (edited) text would have been: the answer's [I still
// need help] makes the ticket, so no [Create ticket] is left to press.
func PromptAnswered(r *triage.Request) Message {
	text := "Rule `" + Escape(r.Decision.AnswerBy()) + "` has an answer for this message, in this thread."
	return message(text, section(":bulb: "+text+" If it does not help, “I still need help” there sends it to the on-call and makes its ticket."))
}

// PromptWithdrawn replaces a prompt, or the needs-a-ticket answer, once
// its message was deleted before it had a ticket.
func PromptWithdrawn() Message {
	const text = "The message was deleted before it had a ticket, so none will be made."
	return message(text, section(":wastebasket: "+text))
}

// PromptNotTaken replaces a prompt, or the needs-a-ticket answer, when
// its message at the ticket deadline is one its team would not take in if
// it were posted so (why is triage.Team.NotAsked's word): most often, it
// was edited to opt out.
func PromptNotTaken(why string) Message {
	text := "The message now opts out of a ticket, so none will be made."
	if why != "opted out" {
		text = "The team does not take this message in (" + why + "), so no ticket will be made."
	}
	return message(text, section(":no_entry_sign: "+text))
}

// PromptPressed replaces a prompt whose [Create ticket] user pressed, until
// the ticket comes: its buttons go, so that nobody presses them again.
func PromptPressed(user string) Message {
	text := mention(user) + " asked for a ticket; it is on its way."
	return message(text, section(text))
}
