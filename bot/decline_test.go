package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// pendingApproval spends platform's budget and submits a P2, which then
// waits for a lead; it returns the request and the lead's DM.
func pendingApproval(t *testing.T, h *harness) (*triage.Request, string) {
	t.Helper()
	team := h.svc.Settings().Team("platform")
	cur := team.Calendar.At(h.clock.now())
	led := sprint.NewLedger("platform", cur.N, team.Budget)
	led.Reserve("9999", led.Total, h.clock.now())
	if err := h.db.Update(func(tx triage.Tx) error { return tx.PutLedger(led) }); err != nil {
		t.Fatal(err)
	}
	h.command(outsider, platHelp, "our deploy is blocked by a failing pipeline", "trig-p2")
	v := openedView(t, h.fake.WaitCalls(t, "views.open", 1, 30*time.Second)[0].JSON)
	h.interact(submission(t, v, outsider, map[string]string{"summary": "our deploy is blocked by a failing pipeline"}))
	r := h.ticketed(1)[0]
	if r.Status != triage.StatusPending {
		t.Fatalf("status %s, want pending approval", r.Status)
	}
	leadDM := h.fake.DM(platLead)
	h.waitFor("the approval DM", func() bool { return len(h.posts(leadDM)) == 1 })
	return r, leadDM
}

// declineAction is the Decline button's part of a block_actions payload,
// in the shape of Slack's (shared/reference/slack/examples/
// http-interactivity-block-actions.json): block, label and type included.
func declineAction(id int64) slack.BlockAction {
	return slack.BlockAction{ActionID: render.ActionDecline, BlockID: "sg_approval", Type: "button",
		Text: slack.TextBlockObject{Type: slack.PlainTextType, Text: "Decline"}, Value: strconv.FormatInt(id, 10)}
}

// A lead declines an over-budget request from the approval DM: the
// request closes, its budget stays free, the requester's reply says who
// declined it, the thread mentions them, and a second press changes and
// posts nothing.
func TestLeadDeclinesFromTheApproval(t *testing.T) {
	h := newHarness(t)
	r, leadDM := pendingApproval(t, h)
	if p := h.posts(leadDM)[0]; !strings.Contains(p, render.ActionDecline) {
		t.Fatalf("approval DM lacks [Decline]: %s", p)
	}

	h.click(platOncall, leadDM, "1", declineAction(r.ID))
	h.waitFor("the member told only a lead declines", func() bool { return len(h.fake.OKCalls("chat.postEphemeral")) == 1 })
	if got := h.requests()[0]; got.Status != triage.StatusPending {
		t.Fatalf("status %s after a member pressed Decline, want still pending", got.Status)
	}

	h.click(platLead, leadDM, "1", declineAction(r.ID))
	h.waitFor("declined", func() bool { return h.requests()[0].Status == triage.StatusDeclined })
	reply, ok := h.requests()[0].Post(triage.PostRoot)
	if !ok {
		t.Fatalf("the request has no reply to the requester: %+v", h.requests()[0].Posts)
	}
	// Blocks JSON escapes '<' as \u003c.
	declinedBy := `*Next:* Declined by \u003c@` + platLead
	h.waitFor("the requester's reply edited", func() bool {
		m, _ := h.fake.Message(reply.Channel, reply.TS)
		return strings.Contains(blocksJSON(m), declinedBy)
	})
	told := "<@" + outsider + "> Declined by <@" + platLead + ">"
	h.waitFor("the requester mentioned in the thread", func() bool {
		ps := h.threadPosts(reply.Channel, reply.TS)
		return len(ps) == 1 && strings.HasPrefix(ps[0], told)
	})
	approval, ok := h.requests()[0].Post(triage.PostApproval)
	if !ok {
		t.Fatal("the request has no approval post")
	}
	h.waitFor("the approval DM edited", func() bool {
		m, _ := h.fake.Message(approval.Channel, approval.TS)
		return strings.Contains(blocksJSON(m), `Declined by \u003c@`+platLead+`\u003e on`)
	})
	if m, _ := h.fake.Message(approval.Channel, approval.TS); strings.Contains(blocksJSON(m), render.ActionDecline) {
		t.Errorf("the decided approval still offers its buttons: %s", blocksJSON(m))
	}
	time.Sleep(200 * time.Millisecond)
	posts, updates := len(h.fake.OKCalls("chat.postMessage")), len(h.fake.OKCalls("chat.update"))
	events := len(h.requests()[0].Events)

	h.click(platLead, leadDM, "1", declineAction(r.ID))
	time.Sleep(300 * time.Millisecond)
	if n := len(h.fake.OKCalls("chat.postMessage")); n != posts {
		t.Errorf("a second Decline posted %d more messages, want none", n-posts)
	}
	if n := len(h.fake.OKCalls("chat.update")); n != updates {
		t.Errorf("a second Decline edited %d more messages, want none", n-updates)
	}
	if n := len(h.fake.OKCalls("chat.postEphemeral")); n != 1 {
		t.Errorf("%d ephemeral messages, want only the member's", n)
	}
	if got := h.requests()[0]; len(got.Events) != events || got.Status != triage.StatusDeclined {
		t.Errorf("a second Decline changed the request: %d events (was %d), status %s", len(got.Events), events, got.Status)
	}
}
