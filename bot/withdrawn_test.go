package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/triage"
)

// edited is the message_changed event Slack sends when a message's author
// edits it: the message as it is now, and as it was.
func (h *harness) edited(channel, ts, was, now string) map[string]any {
	h.fake.EditMessage(channel, ts, now)
	return map[string]any{"type": "message", "subtype": "message_changed", "channel": channel, "hidden": true,
		"ts": h.ts(), "channel_type": "channel",
		"message":          map[string]any{"type": "message", "user": outsider, "text": now, "ts": ts},
		"previous_message": map[string]any{"type": "message", "user": outsider, "text": was, "ts": ts}}
}

// deleted is the message_deleted event Slack sends when a message's author
// deletes it.
func (h *harness) deleted(channel, ts, was string) map[string]any {
	h.fake.DeleteMessage(channel, ts)
	return map[string]any{"type": "message", "subtype": "message_deleted", "channel": channel, "hidden": true,
		"ts": h.ts(), "deleted_ts": ts, "channel_type": "channel",
		"previous_message": map[string]any{"type": "message", "user": outsider, "text": was, "ts": ts}}
}

// prompted posts text in #platform-help as the outsider, and returns the
// message's ts once it is prompted for a ticket, and the prompt's.
func (h *harness) prompted(text string) (ts, prompt string) {
	h.t.Helper()
	ts = h.ts()
	h.event("EvAsk", h.message(platHelp, outsider, text, ts, ""))
	h.waitFor("the prompt", func() bool { return len(h.askingPosts(platHelp, ts)) == 1 })
	return ts, h.askingPosts(platHelp, ts)[0].Timestamp
}

// promptedThenEdited is prompted(was), then the message edited to now and
// the edit handled.
func (h *harness) promptedThenEdited(was, now string) (ts string) {
	h.t.Helper()
	ts, _ = h.prompted(was)
	h.event("EvEdit", h.edited(platHelp, ts, was, now))
	h.settled()
	return ts
}

// editedTwice sends the event of the outsider's edit of the message at ts
// in #platform-help from was to now, and Slack's retry of it.
func (h *harness) editedTwice(ts, was, now string) {
	edit := h.edited(platHelp, ts, was, now)
	h.event("EvEdit", edit)
	h.event("EvEdit", edit)
}

// promptedThenOptedOut is a request prompted for a ticket, then edited
// to now, which opts out, the edit sent twice as Slack retries it.
func (h *harness) promptedThenOptedOut(now string) (ts, prompt string) {
	h.t.Helper()
	const was = "please add me to the grafana admins"
	ts, prompt = h.prompted(was)
	h.editedTwice(ts, was, now)
	h.settled()
	return ts, prompt
}

// A prompted message deleted before its ticket is withdrawn: the deadline
// makes no ticket (so nothing is charged and nobody is told), the
// [Create ticket] of a stale client makes none either, and the prompt
// says why it lost its buttons.
func TestDeletedPromptedMessageIsNotTicketed(t *testing.T) {
	h := newHarness(t)
	const text = "please add me to the grafana admins"
	ts, prompt := h.prompted(text)
	h.event("EvGone", h.deleted(platHelp, ts, text))
	h.event("EvGone", h.deleted(platHelp, ts, text)) // Slack's retry
	h.waitFor("the prompt edited", func() bool {
		m, _ := h.fake.Message(platHelp, prompt)
		return strings.Contains(m.Text, "deleted")
	})
	h.event("EvWork", h.message(platHelp, platOncall, "on it", h.ts(), ts))
	ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + outsider + `"}`
	h.click(outsider, platHelp, prompt, slack.BlockAction{ActionID: render.ActionCreateTicket, Value: ref})
	h.clock.add(16 * time.Minute)
	h.worker.Kick()
	h.settled()
	if rs := h.requests(); len(rs) != 0 {
		t.Fatalf("%d requests of a deleted message, want none: %+v", len(rs), rs[0])
	}
	if posts := h.askingPosts(platHelp, ts); len(posts) != 1 {
		t.Errorf("%d asking posts after the deletion, want only the prompt", len(posts))
	}
	if m, _ := h.fake.Message(platHelp, prompt); strings.Contains(blocksJSON(m), render.ActionCreateTicket) {
		t.Errorf("the withdrawn prompt still has its buttons: %s", blocksJSON(m))
	}
	if dms := h.fake.Messages(h.fake.DM(platOncall)); len(dms) != 0 {
		t.Errorf("the on-call was told of a deleted message: %q", dms[0].Text)
	}
}

// A prompted message edited before its ticket is ticketed on its text as
// it is then; an edit after the ticket changes nothing.
func TestEditedPromptedMessageIsTicketedAsEdited(t *testing.T) {
	h := newHarness(t)
	const was, now = "need access to grafana", "URGENT: prod grafana is down for everyone"
	ts := h.promptedThenEdited(was, now)
	h.clock.add(16 * time.Minute)
	h.worker.Kick()
	r := h.ticketed(1)[0]
	if r.Summary != now || r.Urgency != 1 {
		t.Fatalf("ticketed as %s %q, want P1 %q", r.Urgency, r.Summary, now)
	}
	h.event("EvEdit2", h.edited(platHelp, ts, now, "never mind"))
	h.settled()
	if r2 := h.requests()[0]; r2.Summary != now || r2.Urgency != r.Urgency {
		t.Fatalf("an edit after the ticket changed it to %s %q", r2.Urgency, r2.Summary)
	}
}

// changedFirst runs, in a prompt-mode channel, an auto-mode one and a DM,
// each on its own harness: change, the event of an edit or a deletion of
// a message Slack has as was, sent twice, then the message's own event,
// sent twice too, as Slack retries a failed delivery after the events
// that followed it; then it moves the clock past the ticket deadline.
func changedFirst(t *testing.T, was string, change func(h *harness, channel, ts string) map[string]any, check func(t *testing.T, h *harness, channel, ts string)) {
	for _, where := range []string{platHelp, dataHelp, "dm"} {
		t.Run(where, func(t *testing.T) {
			h := newHarness(t)
			channel := where
			if where == "dm" {
				channel = h.fake.DM(outsider)
			}
			ts := h.ts()
			msg := h.message(channel, outsider, was, ts, "")
			ev := change(h, channel, ts)
			h.event("EvChange", ev)
			h.event("EvChange", ev)
			h.settled()
			h.event("EvAsk", msg)
			h.event("EvAsk", msg)
			h.settled()
			h.clock.add(16 * time.Minute)
			h.worker.Kick()
			check(t, h, channel, ts)
		})
	}
}

// A message whose deletion comes before it is neither prompted nor
// ticketed.
func TestMessageDeletedBeforeItsEventIsNotTicketed(t *testing.T) {
	const text = "please add me to the grafana admins"
	changedFirst(t, text, func(h *harness, channel, ts string) map[string]any {
		return h.deleted(channel, ts, text)
	}, func(t *testing.T, h *harness, channel, ts string) {
		h.settled()
		if rs := h.requests(); len(rs) != 0 {
			t.Fatalf("%d requests of a message deleted before its event, want none: %+v", len(rs), rs[0])
		}
		if posts := h.askingPosts(channel, ts); len(posts) != 0 {
			t.Errorf("a message deleted before its event was prompted: %q", posts[0].Text)
		}
		if dms := h.fake.Messages(h.fake.DM(platOncall)); len(dms) != 0 {
			t.Errorf("the on-call was told of a deleted message: %q", dms[0].Text)
		}
	})
}

// An edit that comes before its message is not lost: the message is
// ticketed on its text as Slack has it.
func TestMessageEditedBeforeItsEventIsTicketedAsEdited(t *testing.T) {
	const was, now = "need access to grafana", "URGENT: prod grafana is down for everyone"
	changedFirst(t, was, func(h *harness, channel, ts string) map[string]any {
		return h.edited(channel, ts, was, now)
	}, func(t *testing.T, h *harness, channel, ts string) {
		r := h.ticketed(1)[0]
		if r.Summary != now {
			t.Fatalf("ticketed as %q, want the edited %q", r.Summary, now)
		}
		if channel == platHelp && r.Urgency != 1 {
			t.Errorf("ticketed as %s, want P1 from the edited text", r.Urgency)
		}
	})
}

// A mention's edit or deletion may come before the mention too: an edited
// mention is taken on its text as Slack has it, a deleted one makes
// nothing, not even the help.
func TestMentionChangedBeforeItsEvent(t *testing.T) {
	h := newHarness(t)
	bot := "<@" + slackfake.BotUserID + "> "
	mention := func(ts, text string) map[string]any {
		h.fake.AddMessage(platHelp, slack.Message{Msg: slack.Msg{Type: "message", User: outsider, Text: text, Timestamp: ts}})
		return map[string]any{"type": "app_mention", "channel": platHelp, "user": outsider, "text": text, "ts": ts, "event_ts": ts}
	}
	gone, edited := h.ts(), h.ts()
	first := mention(gone, bot+"the spark cluster is stuck")
	h.event("EvGone", h.deleted(platHelp, gone, bot+"the spark cluster is stuck"))
	second := mention(edited, bot+"hi")
	h.event("EvEdit", h.edited(platHelp, edited, bot+"hi", bot+"grafana is down for everyone"))
	h.settled()
	h.event("EvMention1", first)
	h.event("EvMention2", second)
	h.settled()
	rs := h.ticketed(1)
	if rs[0].TS != edited || !strings.Contains(rs[0].Summary, "grafana is down") {
		t.Errorf("took in %s %q, want the edited mention's text", rs[0].TS, rs[0].Summary)
	}
	if texts, _ := h.ephemerals(outsider); len(texts) != 0 {
		t.Errorf("a changed mention got the help: %q", texts)
	}
}

// The bot edits its own posts on every change of their request; those
// edits are never a request's and are not recorded, while a person's
// edit of a message with no request yet is.
func TestTheBotsOwnEditsAreNotRecorded(t *testing.T) {
	h := newHarness(t)
	own, theirs := h.ts(), h.ts()
	h.fake.AddMessage(platHelp, slack.Message{Msg: slack.Msg{User: slackfake.BotUserID, Text: "was", Timestamp: own}})
	h.fake.AddMessage(platHelp, slack.Message{Msg: slack.Msg{User: outsider, Text: "was", Timestamp: theirs}})
	ev := h.edited(platHelp, own, "was", "now")
	ev["message"].(map[string]any)["user"] = slackfake.BotUserID
	h.event("EvOwn", ev)
	h.event("EvTheirs", h.edited(platHelp, theirs, "was", "now"))
	h.settled()
	held := func(ts string) bool {
		var ok bool
		err := h.db.View(func(tx triage.Tx) error {
			var err error
			_, ok, err = tx.Claimed("edited:"+platHelp+":"+ts, h.clock.now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if held(own) || !held(theirs) {
		t.Errorf("edit recorded: the bot's own %v, a person's %v; want false, true", held(own), held(theirs))
	}
}

// A :ticket: reaction on a message whose deletion is already here makes
// no request, even while Slack's history still lists the message.
func TestReactionOnADeletedMessageIsNotTicketed(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	const text = "please add me to the grafana admins"
	h.message(platHelp, outsider, text, ts, "")
	h.event("EvGone", h.deleted(platHelp, ts, text))
	h.message(platHelp, outsider, text, ts, "") // history lags behind the event
	h.settled()
	h.event("EvReact", map[string]any{"type": "reaction_added", "user": platOncall, "reaction": "ticket",
		"item_user": outsider, "item": map[string]any{"type": "message", "channel": platHelp, "ts": ts}})
	h.settled()
	if rs := h.requests(); len(rs) != 0 {
		t.Fatalf("a reaction on a deleted message made request %q", rs[0].Summary)
	}
}

// A prompted message edited, before its ticket, to a text a rule answers
// gets what a message first posted with that text gets: the rule's answer
// with [That solved it] and [I still need help], once although Slack sends
// the edit twice, and its prompt loses [Create ticket]; the deadline makes
// no ticket, and [I still need help] makes the one ticket.
func TestEditedPromptedMessageIsOfferedTheRulesAnswer(t *testing.T) {
	h := newHarness(t)
	const was, now = "please add me to the grafana admins", "I can't log in to the VPN since this morning"
	ts, prompt := h.prompted(was)
	h.editedTwice(ts, was, now)
	h.waitFor("the answer", func() bool { return len(h.threadPosts(platHelp, ts)) == 2 })
	h.waitFor("the prompt without its buttons", func() bool {
		m, _ := h.fake.Message(platHelp, prompt)
		return !strings.Contains(blocksJSON(m), render.ActionCreateTicket)
	})
	h.clock.add(16 * time.Minute)
	h.worker.Kick()
	h.settled()
	posts := h.threadPosts(platHelp, ts)
	var answers int
	for _, p := range posts {
		if strings.Contains(p, "Rule `vpn-help` has an answer") && strings.Contains(p, render.ActionNeedHelp) {
			answers++
		}
	}
	if len(posts) != 2 || answers != 1 {
		t.Fatalf("thread = %q, want the prompt and one vpn-help answer", posts)
	}
	rs := h.requests()
	if len(rs) != 1 || rs[0].Deflection != triage.DeflectOffered || rs[0].Ticket.Key != "" || rs[0].Summary != now {
		t.Fatalf("requests = %+v, want one of the edited text offered the answer, without a ticket", rs)
	}
	h.click(outsider, platHelp, ts, slack.BlockAction{ActionID: render.ActionNeedHelp, Value: strconv.FormatInt(rs[0].ID, 10)})
	if r := h.ticketed(1)[0]; r.TicketedBy != triage.ByRequester {
		t.Fatalf("ticketed by %s, want the requester's [I still need help]", r.TicketedBy)
	}
	h.waitFor("the prompt naming the ticket", func() bool {
		m, _ := h.fake.Message(platHelp, prompt)
		return strings.Contains(m.Text, "ticketed by its requester")
	})
}

// An edit that opts the message out is not offered the answer its words
// would get, as a fresh message that opts out is not taken in at all.
func TestEditedPromptedMessageThatOptsOutIsNotOfferedAnAnswer(t *testing.T) {
	h := newHarness(t)
	const was, now = "please add me to the grafana admins", ":speech_balloon: I can't log in to the VPN, never mind"
	ts := h.promptedThenEdited(was, now)
	if rs := h.requests(); len(rs) != 0 {
		t.Fatalf("the opted-out edit made a request: %+v", rs[0])
	}
	if posts := h.threadPosts(platHelp, ts); len(posts) != 1 {
		t.Fatalf("thread = %q, want the prompt alone", posts)
	}
}

// A shared file's words edited away before its ticket leave the message
// named by the file's title, as it would have been taken in with no words.
func TestEditedFileMessageIsTicketedByItsFilesTitle(t *testing.T) {
	h := newHarness(t)
	const was, title = "vpn trouble, see the screenshot", "the staging vpn rejects my certificate"
	ts := h.ts()
	h.fake.AddMessage(platHelp, slack.Message{Msg: slack.Msg{Type: "message", User: outsider, Text: was, Timestamp: ts,
		Files: []slack.File{{ID: "F9", Name: "vpn.png", Title: title}}}})
	h.event("EvAsk", map[string]any{"type": "message", "subtype": "file_share", "channel": platHelp, "user": outsider,
		"text": was, "ts": ts, "event_ts": ts, "channel_type": "channel",
		"files": []any{map[string]any{"id": "F9", "name": "vpn.png", "title": title}}})
	h.waitFor("the prompt", func() bool { return len(h.askingPosts(platHelp, ts)) == 1 })
	h.event("EvEdit", h.edited(platHelp, ts, was, ""))
	h.settled()
	h.clock.add(16 * time.Minute)
	h.worker.Kick()
	if r := h.ticketed(1)[0]; r.Summary != title {
		t.Fatalf("ticketed as %q, want the file's title %q", r.Summary, title)
	}
}

// A prompted message edited to opt out is not ticketed at the deadline,
// as a fresh message that opts out is not taken in: its prompt says why
// it lost its buttons, as a deleted message's does, and a member working
// on it is not asked for its ticket.
func TestPromptedMessageEditedToOptOutIsNotTicketedAtTheDeadline(t *testing.T) {
	h := newHarness(t)
	ts, prompt := h.promptedThenOptedOut(":speech_balloon: I can't log in to the VPN, never mind")
	h.clock.add(16 * time.Minute)
	h.worker.Kick()
	h.waitFor("the prompt edited", func() bool {
		m, _ := h.fake.Message(platHelp, prompt)
		return strings.Contains(m.Text, "opt")
	})
	// A member's reply then is not asked to ticket it first.
	h.event("EvWork", h.message(platHelp, platOncall, "on it", h.ts(), ts))
	h.settled()
	if rs := h.requests(); len(rs) != 0 {
		t.Fatalf("%d requests of a message edited to opt out, want none: %+v", len(rs), rs[0])
	}
	if m, _ := h.fake.Message(platHelp, prompt); strings.Contains(blocksJSON(m), render.ActionCreateTicket) {
		t.Errorf("the opted-out prompt still has its buttons: %s", blocksJSON(m))
	}
	if posts := h.threadPosts(platHelp, ts); len(posts) != 1 {
		t.Errorf("thread = %q, want the prompt alone", posts)
	}
}

// A prompted message edited to opt out, then ticketed by a member's
// [Create ticket] before the deadline, keeps its ticket: the deadline finds the
// request and leaves the prompt naming it.
func TestOptedOutMessageTicketedByHandKeepsItsTicketAtTheDeadline(t *testing.T) {
	h := newHarness(t)
	ts, prompt := h.promptedThenOptedOut(":speech_balloon: never mind, a colleague sorted it")
	ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + outsider + `"}`
	h.click(platOncall, platHelp, prompt, slack.BlockAction{ActionID: render.ActionCreateTicket, Value: ref})
	r := h.ticketed(1)[0]
	h.waitFor("the prompt naming the ticket", func() bool {
		m, _ := h.fake.Message(platHelp, prompt)
		return strings.Contains(m.Text, r.Ticket.Key)
	})
	h.clock.add(16 * time.Minute)
	h.worker.Kick()
	h.settled()
	if m, _ := h.fake.Message(platHelp, prompt); !strings.Contains(m.Text, r.Ticket.Key) || strings.Contains(m.Text, "opt") {
		t.Fatalf("after the deadline the ticketed prompt reads %q, want it to name %s", m.Text, r.Ticket.Key)
	}
	if rs := h.requests(); len(rs) != 1 {
		t.Fatalf("%d requests, want the one made by hand", len(rs))
	}
}

// A shared file's [Create ticket], pressed after the prompt's memory of
// its message expired, reads the message back from Slack as intake reads
// it: named by the file's title, not "(no text)".
func TestCreateTicketOnAFileAfterThePromptIsForgotten(t *testing.T) {
	h := newHarnessConfig(t, namedConfig("ticket_deadline: 15m", "ticket_deadline: 0s"), nil)
	const title = "the staging vpn rejects my certificate"
	ts := h.ts()
	h.fake.AddMessage(platHelp, slack.Message{Msg: slack.Msg{Type: "message", User: outsider, Timestamp: ts,
		Files: []slack.File{{ID: "F9", Name: "vpn.png", Title: title}}}})
	h.event("EvAsk", map[string]any{"type": "message", "subtype": "file_share", "channel": platHelp, "user": outsider,
		"text": "", "ts": ts, "event_ts": ts, "channel_type": "channel",
		"files": []any{map[string]any{"id": "F9", "name": "vpn.png", "title": title}}})
	h.waitFor("the prompt", func() bool { return len(h.askingPosts(platHelp, ts)) == 1 })
	prompt := h.askingPosts(platHelp, ts)[0].Timestamp
	h.clock.add(8 * 24 * time.Hour)
	ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + outsider + `"}`
	h.click(outsider, platHelp, prompt, slack.BlockAction{ActionID: render.ActionCreateTicket, Value: ref})
	if r := h.ticketed(1)[0]; r.Summary != title {
		t.Fatalf("ticketed as %q, want the file's title %q", r.Summary, title)
	}
}
