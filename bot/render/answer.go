package render

import (
	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// Buttons under a rule's answer; value = request id. Like every action id,
// they must never change once messages carrying them are out.
const (
	ActionSolved   = "sg_solved"
	ActionNeedHelp = "sg_need_help"
)

// Answer is what the requester sees first when a rule that matched r
// carries an answer: the answer, and two buttons, the second of which
// sends the request on to the on-call. Once they chose, the same message
// says what they chose instead of the buttons.
func Answer(r *triage.Request) Message {
	id := idValue(r.ID)
	text := "This may answer it: " + EscapeLinking(r.Decision.Answer)
	body := section("Rule `" + Escape(r.Decision.AnswerBy()) + "` has an answer for this:\n" + EscapeLinking(r.Decision.Answer))
	switch r.Deflection {
	case triage.DeflectSolved:
		ev, _ := lastEvent(r, triage.ActSolved)
		return message(text, body, note(":white_check_mark: Solved by this answer"+byWhom(ev.Actor)+"; no ticket was needed."))
	case triage.DeflectNeedHelp:
		ev, _ := lastEvent(r, triage.ActNeedHelp)
		return message(text, body, note("Still needed help"+byWhom(ev.Actor)+": sent on to the on-call, and a ticket follows here."))
	}
	return message(text, body,
		slack.NewActionBlock("sg_answer",
			button(ActionSolved, id, "That solved it", slack.StylePrimary),
			button(ActionNeedHelp, id, "I still need help", "")),
		note("Nobody on call has been bothered yet. If this does not help, press “I still need help” and the request goes to the on-call."))
}
