package render

import "github.com/slack-go/slack"

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
