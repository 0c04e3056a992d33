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

// posts returns the bot's successful posts in channel, as text and blocks.
func (h *harness) posts(channel string) []string {
	var out []string
	for _, c := range h.fake.OKCalls("chat.postMessage") {
		if c.Form.Get("channel") == channel {
			out = append(out, c.Form.Get("text")+"\n"+c.Form.Get("blocks"))
		}
	}
	return out
}

func TestPromptModeAsksForATicketAndEnforcesIt(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.event("Ev1", h.message(platHelp, outsider, "can someone bump the API rate limit for payments?", ts, ""))
	h.waitFor("the prompt", func() bool { return len(h.threadPosts(platHelp, ts)) == 1 })
	if p := h.threadPosts(platHelp, ts)[0]; !strings.Contains(p, render.ActionCreateTicket) || !strings.Contains(p, render.ActionEmergency) {
		t.Fatalf("prompt has no [Create ticket] [This is an emergency] buttons: %s", p)
	}
	// A team member starts answering in the thread, twice: told once.
	h.event("Ev2", h.message(platHelp, platOncall, "looking", h.ts(), ts))
	h.event("Ev3", h.message(platHelp, platOncall, "what limit do you need?", h.ts(), ts))
	h.waitFor("the needs-a-ticket answer", func() bool { return len(h.threadPosts(platHelp, ts)) == 2 })
	time.Sleep(100 * time.Millisecond)
	if got := h.threadPosts(platHelp, ts); len(got) != 2 || !strings.Contains(got[1], "needs a ticket first") {
		t.Fatalf("thread after two member replies: %q", got)
	}
	if n := len(h.requests()); n != 0 {
		t.Fatalf("%d requests before anyone asked for a ticket", n)
	}
	// The requester presses [Create ticket] on the prompt.
	ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + outsider + `"}`
	promptTS := h.fake.OKCalls("chat.postMessage")[0].Form.Get("thread_ts")
	h.click(outsider, platHelp, promptTS, slack.BlockAction{ActionID: render.ActionCreateTicket, Value: ref})
	r := h.ticketed(1)[0]
	if r.TicketedBy != triage.ByRequester || r.User != outsider || r.TS != ts {
		t.Fatalf("request = %+v, want ticketed by the requester from the message", r)
	}
	h.waitFor("the ticket in the thread", func() bool {
		for _, p := range h.threadPosts(platHelp, ts) {
			if strings.Contains(p, r.Ticket.Key) {
				return true
			}
		}
		return false
	})
}

func TestTicketDeadlineTicketsWhatNobodyTicketed(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.event("Ev1", h.message(platHelp, outsider, "please add me to the grafana admins", ts, ""))
	h.waitFor("the prompt", func() bool { return len(h.threadPosts(platHelp, ts)) == 1 })
	h.clock.add(14 * time.Minute)
	h.worker.Kick()
	time.Sleep(100 * time.Millisecond)
	if n := len(h.requests()); n != 0 {
		t.Fatalf("%d requests before the 15-minute deadline", n)
	}
	h.clock.add(2 * time.Minute)
	h.worker.Kick()
	r := h.ticketed(1)[0]
	if r.TicketedBy != triage.ByDeadline || r.User != outsider {
		t.Fatalf("request = %+v, want ticketed by the deadline for its author", r)
	}
}

func TestIgnoredMessagesCreateNothing(t *testing.T) {
	h := newHarness(t)
	root := h.ts()
	tests := []struct {
		name string
		ev   map[string]any
	}{
		{"another bot", func() map[string]any {
			ev := h.message(dataHelp, outsider, "deploy finished", h.ts(), "")
			ev["bot_id"], ev["subtype"] = "B0OTHER", "bot_message"
			return ev
		}()},
		{"an edit", func() map[string]any {
			ev := h.message(dataHelp, outsider, "the db is slow", h.ts(), "")
			ev["subtype"] = "message_changed"
			return ev
		}()},
		{"a join", func() map[string]any {
			ev := h.message(dataHelp, outsider, "<@U0PAY001> has joined the channel", h.ts(), "")
			ev["subtype"] = "channel_join"
			return ev
		}()},
		{"opted out", h.message(dataHelp, outsider, ":speech_balloon: anyone up for lunch?", h.ts(), "")},
		{"the bot itself", h.message(dataHelp, "UBOT", "REQ-1 is yours", h.ts(), "")},
		{"a thread reply", h.message(dataHelp, outsider, "any news?", h.ts(), root)},
		{"not an intake channel", h.message("C0RANDOM", outsider, "the db is slow", h.ts(), "")},
	}
	for i, tc := range tests {
		h.event("EvIgnored"+strconv.Itoa(i), tc.ev)
	}
	time.Sleep(300 * time.Millisecond)
	if rs := h.requests(); len(rs) != 0 {
		t.Fatalf("ignored messages made %d requests, first %+v", len(rs), rs[0])
	}
	if n := len(h.fake.OKCalls("chat.postMessage")); n != 0 {
		t.Fatalf("ignored messages made %d posts", n)
	}
}

// The on-call gets a DM with buttons; only team members may press them,
// and pressing one twice changes things once.
func TestOnCallButtons(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "the airflow scheduler is stuck", ts, ""))
	r := h.ticketed(1)[0]
	if r.Assignee == "" {
		t.Fatal("request has no assignee")
	}
	dm := h.fake.DM(r.Assignee)
	h.waitFor("the on-call DM", func() bool { return len(h.posts(dm)) == 1 })
	dmPost := h.fake.OKCalls("chat.postMessage")
	var dmTS string
	for _, c := range dmPost {
		if c.Form.Get("channel") == dm {
			dmTS = c.Form.Get("ts")
			if dmTS == "" {
				for _, m := range h.fake.Messages(dm) {
					dmTS = m.Timestamp
				}
			}
		}
	}
	for _, id := range []string{render.ActionAck, render.ActionUrgency, render.ActionResolve, render.ActionDefer} {
		if !strings.Contains(h.posts(dm)[0], id) {
			t.Fatalf("on-call DM lacks %s: %s", id, h.posts(dm)[0])
		}
	}
	id := strconv.FormatInt(r.ID, 10)

	h.click(outsider, dm, dmTS, slack.BlockAction{ActionID: render.ActionAck, Value: id})
	h.waitFor("the outsider's explanation", func() bool { return len(h.fake.OKCalls("chat.postEphemeral")) == 1 })
	if got := h.fake.OKCalls("chat.postEphemeral")[0].Form.Get("user"); got != outsider {
		t.Fatalf("explanation went to %s, want %s", got, outsider)
	}

	h.click(r.Assignee, dm, dmTS, slack.BlockAction{ActionID: render.ActionAck, Value: id})
	h.click(r.Assignee, dm, dmTS, slack.BlockAction{ActionID: render.ActionAck, Value: id})
	h.waitFor("the DM edited", func() bool { return len(h.fake.OKCalls("chat.update")) >= 1 })
	h.waitFor("the acknowledgement in the thread", func() bool { return len(h.threadPosts(dataHelp, ts)) == 2 })
	time.Sleep(200 * time.Millisecond)
	got := h.requests()[0]
	if got.Status != triage.StatusAcknowledged {
		t.Fatalf("status %s, want acknowledged", got.Status)
	}
	if n := len(h.fake.OKCalls("chat.update")); n != 1 {
		t.Fatalf("%d chat.update calls after two presses of Acknowledge, want 1", n)
	}
	if m, _ := h.fake.Message(dm, dmTS); strings.Contains(blocksJSON(m), render.ActionAck) {
		t.Fatalf("the edited DM still offers Acknowledge: %s", blocksJSON(m))
	}

	h.click(r.Assignee, dm, dmTS, slack.BlockAction{ActionID: render.ActionUrgency,
		SelectedOption: slack.OptionBlockObject{Value: id + ":P1"}})
	h.waitFor("urgency P1", func() bool { return h.requests()[0].Urgency == 1 })
	h.click(r.Assignee, dm, dmTS, slack.BlockAction{ActionID: render.ActionDefer, Value: id})
	h.waitFor("deferred", func() bool { return h.requests()[0].Status == triage.StatusDeferred })
}

func blocksJSON(m slack.Message) string {
	b, _ := m.Blocks.MarshalJSON()
	return string(b)
}

// TestPromptModeShowsTheAnswerFirst: in #platform-help (prompt mode) a VPN
// login question, which the example's vpn-help rule answers, gets the
// answer with [That solved it] and [I still need help] instead of the
// ticket prompt; [I still need help], pressed twice, makes one ticket
// counted to the requester, as [Create ticket] would.
func TestPromptModeShowsTheAnswerFirst(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	ev := h.message(platHelp, outsider, "I can't log in to the VPN since this morning", ts, "")
	h.event("Ev1", ev)
	h.event("Ev1", ev) // Slack delivers again
	h.waitFor("the answer", func() bool { return len(h.threadPosts(platHelp, ts)) == 1 })
	time.Sleep(100 * time.Millisecond)
	got := h.threadPosts(platHelp, ts)
	if len(got) != 1 || !strings.Contains(got[0], "Rule `vpn-help` has an answer") ||
		!strings.Contains(got[0], render.ActionSolved) || !strings.Contains(got[0], render.ActionNeedHelp) {
		t.Fatalf("thread = %q, want only the vpn-help answer with its two buttons", got)
	}
	if strings.Contains(got[0], render.ActionCreateTicket) {
		t.Fatalf("the answer carries the ticket prompt's buttons: %s", got[0])
	}
	rs := h.requests()
	if len(rs) != 1 || rs[0].Deflection != triage.DeflectOffered || rs[0].Ticket.Key != "" {
		t.Fatalf("requests = %+v, want one offered the answer, without a ticket", rs)
	}
	id := strconv.FormatInt(rs[0].ID, 10)
	for range 2 {
		h.click(outsider, platHelp, ts, slack.BlockAction{ActionID: render.ActionNeedHelp, Value: id})
	}
	r := h.ticketed(1)[0]
	if r.TicketedBy != triage.ByRequester || r.User != outsider || r.TS != ts || r.Deflection != triage.DeflectNeedHelp {
		t.Fatalf("request = %+v, want ticketed by the requester after [I still need help]", r)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(h.requests()); n != 1 {
		t.Fatalf("%d requests after two presses, want 1", n)
	}
}

// TestPromptModeSolvedByTheAnswerNeedsNoTicket: [That solved it] on the
// answer in a prompt-mode channel closes the request with no ticket, and
// no ticket deadline makes one later.
func TestPromptModeSolvedByTheAnswerNeedsNoTicket(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.event("Ev1", h.message(platHelp, outsider, "where do I get the vpn profile for the new laptop?", ts, ""))
	h.waitFor("the answer", func() bool { return len(h.requests()) == 1 && len(h.threadPosts(platHelp, ts)) == 1 })
	id := strconv.FormatInt(h.requests()[0].ID, 10)
	h.click(outsider, platHelp, ts, slack.BlockAction{ActionID: render.ActionSolved, Value: id})
	h.waitFor("solved", func() bool { return h.requests()[0].Deflection == triage.DeflectSolved })
	h.clock.add(time.Hour)
	h.worker.Kick()
	time.Sleep(100 * time.Millisecond)
	if r := h.requests(); len(r) != 1 || r[0].Ticket.Key != "" || r[0].Status != triage.StatusResolved {
		t.Fatalf("requests = %+v, want one solved by the answer, without a ticket", r)
	}
	for _, p := range h.threadPosts(platHelp, ts) {
		if strings.Contains(p, render.ActionCreateTicket) {
			t.Fatalf("a ticket prompt came after the answer: %s", p)
		}
	}
}
