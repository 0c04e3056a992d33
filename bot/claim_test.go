package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// TestEmergencyClaimReachesTheOnCall follows [This is an emergency] from
// the prompt to the on-call's answer, as each person sees it in Slack.
func TestEmergencyClaimReachesTheOnCall(t *testing.T) {
	h := newHarness(t)
	ts, r := h.claimEmergency()
	if r.Urgency != 4 || r.Decision.Rule != "how-do-i" || r.Claimed != 1 || r.ClaimState != triage.ClaimPending || r.Assignee == "" {
		t.Fatalf("claimed request: %s rule %s claimed %s state %q assignee %q; want the rules' P4 (how-do-i), a pending P1 claim, the on-call",
			r.Urgency, r.Decision.Rule, r.Claimed, r.ClaimState, r.Assignee)
	}
	oncall := r.Assignee
	const headline = "Claimed emergency, rules say P4 (rule `how-do-i`)"
	dm := h.fake.DM(oncall)
	h.waitFor("the claim in the on-call's DM and the team channel", func() bool {
		return len(h.posts(dm)) == 1 && len(h.posts("C0PLATFORM")) == 1
	})
	for where, p := range map[string]string{"DM": h.posts(dm)[0], "team channel": h.posts("C0PLATFORM")[0]} {
		if !strings.Contains(p, headline) || !strings.Contains(p, "Confirm P1") || !strings.Contains(p, "Keep P4") {
			t.Errorf("%s post lacks %q with [Confirm P1] [Keep P4]: %s", where, headline, p)
		}
		if strings.Contains(p, render.ActionAck) {
			t.Errorf("%s post offers Acknowledge before the claim is answered: %s", where, p)
		}
	}
	if p := h.posts("C0PLATFORM")[0]; !strings.Contains(p, "<@"+oncall+">") {
		t.Errorf("team channel post does not mention the on-call: %s", p)
	}

	h.waitFor("the requester told where the claim stands", func() bool {
		for _, p := range h.threadPosts(platHelp, ts) {
			if strings.Contains(p, "*Your claim:* an emergency; the rules say P4.") && strings.Contains(p, oncall+"\\u003e (on call) has been told") {
				return true
			}
		}
		return false
	})

	// The on-call confirms, and Slack delivers the click twice.
	id := strconv.FormatInt(r.ID, 10)
	dmTS := h.fake.Messages(dm)[0].Timestamp
	h.click(oncall, dm, dmTS, slack.BlockAction{ActionID: render.ActionConfirmClaim, Value: id})
	h.click(oncall, dm, dmTS, slack.BlockAction{ActionID: render.ActionConfirmClaim, Value: id})
	// The prompt is edited too, once ticketed: count the claim's posts only.
	claimEdits := func() int {
		n := 0
		for _, c := range h.fake.OKCalls("chat.update") {
			if ch := c.Form.Get("channel"); ch == dm || ch == "C0PLATFORM" {
				n++
			}
		}
		return n
	}
	h.waitFor("both posts edited", func() bool { return claimEdits() >= 2 })
	line := "Emergency confirmed by <@" + oncall + ">: now P1"
	h.waitFor("the confirmation in the thread", func() bool {
		for _, p := range h.threadPosts(platHelp, ts) {
			if strings.Contains(p, line) {
				return true
			}
		}
		return false
	})
	time.Sleep(200 * time.Millisecond)
	got := h.requests()[0]
	if got.Urgency != 1 || got.ClaimState != triage.ClaimConfirmed || got.Status != triage.StatusAcknowledged || len(got.Overrides) != 1 {
		t.Fatalf("after confirm: %s %q %s overrides %d; want P1, confirmed, acknowledged, one override", got.Urgency, got.ClaimState, got.Status, len(got.Overrides))
	}
	if n := claimEdits(); n != 2 {
		t.Errorf("%d chat.update calls after a double click, want 2 (DM and channel, once)", n)
	}
	n := 0
	for _, p := range h.threadPosts(platHelp, ts) {
		if strings.Contains(p, line) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d thread lines for one confirmation", n)
	}
	for _, c := range []string{dm, "C0PLATFORM"} {
		m := h.fake.Messages(c)[0]
		b := blocksJSON(m)
		if strings.Contains(b, render.ActionConfirmClaim) || !strings.Contains(b, "Emergency confirmed by") {
			t.Errorf("edited post in %s still offers the claim buttons or lacks the answer: %s", c, b)
		}
	}
}
