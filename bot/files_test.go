package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/triage"
)

// fileShare is a message that shares a file with no words.
func (h *harness) fileShare(channel, ts string, file map[string]any) map[string]any {
	ev := h.message(channel, outsider, "", ts, "")
	ev["subtype"] = "file_share"
	ev["files"] = []any{file}
	return ev
}

// ephemerals returns the ephemeral answers to user: their text and thread.
func (h *harness) ephemerals(user string) (texts, threads []string) {
	for _, c := range h.fake.OKCalls("chat.postEphemeral") {
		if c.Form.Get("user") == user {
			texts, threads = append(texts, c.Form.Get("text")), append(threads, c.Form.Get("thread_ts"))
		}
	}
	return texts, threads
}

// A file posted with no words is a request named by the file's title;
// one with no title or name either is asked, in its thread and only of
// its author, what it is about, and is neither prompted nor ticketed.
func TestAFileWithNoWords(t *testing.T) {
	h := newHarness(t)
	h.event("EvFile", h.fileShare(dataHelp, h.ts(), map[string]any{"id": "F1", "name": "image.png", "title": "the invoices dashboard is blank"}))
	if r := h.ticketed(1)[0]; r.Summary != "the invoices dashboard is blank" {
		t.Errorf("request %q, want the file's title", r.Summary)
	}

	ts := h.ts()
	h.event("EvBare", h.fileShare(platHelp, ts, map[string]any{"id": "F2"}))
	h.waitFor("the question", func() bool { texts, _ := h.ephemerals(outsider); return len(texts) == 1 })
	texts, threads := h.ephemerals(outsider)
	if !strings.Contains(texts[0], "what do you need?") || !strings.Contains(texts[0], "/sg ask") || threads[0] != ts {
		t.Errorf("asked %q in thread %q, want what they need, in thread %s", texts[0], threads[0], ts)
	}
	h.clock.add(16 * time.Minute)
	h.worker.Kick()
	h.settled()
	if n := len(h.requests()); n != 1 {
		t.Errorf("%d requests, want only the titled file's", n)
	}
	if posts := h.askingPosts(platHelp, ts); len(posts) != 0 {
		t.Errorf("a wordless file was prompted for a ticket: %q", posts[0].Text)
	}
}

// A bare @sprintguard gets a short help, in its thread, for its author.
func TestABareMentionGetsHelp(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.event("EvBare", map[string]any{"type": "app_mention", "channel": platHelp, "user": outsider,
		"text": "<@" + slackfake.BotUserID + "> ", "ts": ts, "event_ts": ts})
	h.waitFor("the help", func() bool { texts, _ := h.ephemerals(outsider); return len(texts) == 1 })
	texts, threads := h.ephemerals(outsider)
	if !strings.Contains(texts[0], "/sg ask <text>") || threads[0] != ts {
		t.Errorf("answered %q in thread %q, want how to ask, in thread %s", texts[0], threads[0], ts)
	}
	h.settled()
	if n := len(h.requests()); n != 0 {
		t.Errorf("%d requests of a bare mention", n)
	}
}

// A mention of the bot with nothing a request could be (emoji, other
// people, punctuation, a greeting) gets the help, not a ticket; one with
// words besides the greeting is a request.
func TestAMentionWithNoWordsGetsHelp(t *testing.T) {
	h := newHarness(t)
	bot := "<@" + slackfake.BotUserID + ">"
	for i, text := range []string{bot + " :wave:", bot + " <@" + platOncall + ">", "hey " + bot + "?", bot + " hi", bot + " thanks! :pray:"} {
		ts := h.ts()
		h.event(fmt.Sprintf("EvHi%d", i), map[string]any{"type": "app_mention", "channel": platHelp, "user": outsider,
			"text": text, "ts": ts, "event_ts": ts})
		h.waitFor("the help", func() bool { texts, _ := h.ephemerals(outsider); return len(texts) == i+1 })
		h.settled()
		if rs := h.requests(); len(rs) != 0 {
			t.Fatalf("mention %q made a request %q, want the help", text, rs[0].Summary)
		}
	}
	ts := h.ts()
	h.event("EvAsk", map[string]any{"type": "app_mention", "channel": platHelp, "user": outsider,
		"text": "hi " + bot + " grafana is down :fire:", "ts": ts, "event_ts": ts})
	if r := h.ticketed(1)[0]; !strings.Contains(r.Summary, "grafana is down") {
		t.Errorf("the mention with words was taken as %q", r.Summary)
	}
}

// A team member's :ticket: on a file shared with no words, outside every
// intake channel, makes a request named by the file's title, as the file
// posted in an intake channel would be, and as a replay takes it.
func TestAReactionOnAFileWithNoWords(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.fake.AddMessage("C0RANDOM", slack.Message{Msg: slack.Msg{Type: "message", SubType: "file_share", User: outsider, Timestamp: ts,
		Files: []slack.File{{ID: "F1", Name: "image.png", Title: "the invoices dashboard is blank"}}}})
	h.event("EvReactFile", map[string]any{"type": "reaction_added", "user": platOncall, "reaction": "ticket",
		"item_user": outsider, "item": map[string]any{"type": "message", "channel": "C0RANDOM", "ts": ts}})
	if r := h.ticketed(1)[0]; r.Summary != "the invoices dashboard is blank" || r.Source != triage.SourceReaction {
		t.Errorf("request %q from %s, want the file's title, from the reaction", r.Summary, r.Source)
	}
}
