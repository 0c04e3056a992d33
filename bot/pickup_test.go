package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
)

// TestStillNeedHelpSaysWhenTheOnCallPicksItUp: data (Berlin, Mon–Fri
// 09:00–17:30) is offered a rule's answer on a Sunday. Pressed that
// Sunday, [I still need help] waits for Monday's opening; pressed on
// Monday in business hours, the on-call picks it up now, not "when
// business hours start" at the moment of the press.
func TestStillNeedHelpSaysWhenTheOnCallPicksItUp(t *testing.T) {
	h := newHarness(t)
	withAnswerRule(t, h)
	h.clock.set(time.Date(2026, 12, 6, 8, 45, 0, 0, time.UTC)) // Sunday, 09:45 in Berlin
	sunday, monday := h.ts(), h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "how do I reset my VPN?", sunday, ""))
	h.event("Ev2", h.message(dataHelp, "U0MOB001", "I need to reset my VPN again", monday, ""))
	h.waitFor("both answers", func() bool {
		return len(h.threadPosts(dataHelp, sunday)) == 1 && len(h.threadPosts(dataHelp, monday)) == 1
	})
	ids := map[string]string{}
	for _, r := range h.requests() {
		ids[r.TS] = strconv.FormatInt(r.ID, 10)
	}
	reply := func(thread string) string {
		h.t.Helper()
		var got string
		h.waitFor("the requester's reply", func() bool {
			for _, p := range h.threadPosts(dataHelp, thread) {
				if strings.HasPrefix(p, "Ticket ") {
					got = p
					return true
				}
			}
			return false
		})
		return got
	}

	h.click(outsider, dataHelp, sunday, slack.BlockAction{ActionID: render.ActionNeedHelp, Value: ids[sunday]})
	if got := reply(sunday); !strings.Contains(got, "will pick it up at Mon 7 Dec 09:00 CET, when business hours start.") {
		t.Errorf("pressed on Sunday, the reply says:\n%s", got)
	}

	h.clock.set(time.Date(2026, 12, 7, 8, 30, 0, 0, time.UTC)) // Monday, 09:30 in Berlin
	h.click("U0MOB001", dataHelp, monday, slack.BlockAction{ActionID: render.ActionNeedHelp, Value: ids[monday]})
	if got := reply(monday); !strings.Contains(got, "will pick it up now.") || strings.Contains(got, "business hours start") {
		t.Errorf("pressed on Monday in business hours, the reply says:\n%s", got)
	}
}
