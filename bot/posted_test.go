package bot_test

import (
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// A workflow form's post, which Slack sends with a bot id and no user, is
// a request where the team allows bots, its bot the requester; Slackbot's
// reminders never are. The replay of an export decides both the same way
// (triage.Team.NotAsked).
func TestWorkflowFormsAndSlackbotInAnIntakeChannel(t *testing.T) {
	h := newHarness(t)
	h.withTeam("data", func(t *triage.Team) { t.AllowBots = true })
	form := h.message(dataHelp, "", "access request: prod-db read for ines", h.ts(), "")
	delete(form, "user")
	form["subtype"], form["bot_id"] = "bot_message", "B0FORM"
	h.event("EvForm", form)
	h.event("EvSlackbot", h.message(dataHelp, triage.SlackbotUser, "Reminder: renew the wildcard certificate.", h.ts(), ""))
	h.settled()
	rs := h.requests()
	if len(rs) != 1 || rs[0].User != "B0FORM" {
		for _, r := range rs {
			t.Logf("request by %s: %q", r.User, r.Summary)
		}
		t.Fatalf("%d requests, want one, the form's, by its bot B0FORM", len(rs))
	}
}
