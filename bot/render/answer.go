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

// Answer is what the requester sees first when the rule that decided r
// carries an answer: the answer, and two buttons, the second of which
// sends the request on to the on-call.
func Answer(r *triage.Request) Message {
	id := idValue(r.ID)
	return message("This may answer it: "+Escape(r.Decision.Answer),
		section("Rule `"+Escape(r.Decision.Rule)+"` has an answer for this:\n"+Escape(r.Decision.Answer)),
		slack.NewActionBlock("sg_answer",
			button(ActionSolved, id, "That solved it", slack.StylePrimary),
			button(ActionNeedHelp, id, "I still need help", "")),
		note("Nobody on call has been bothered yet. If this does not help, press “I still need help” and the request goes to the on-call."))
}
