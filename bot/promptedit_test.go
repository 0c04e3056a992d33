package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/bot/slackfake"
)

// askingPosts returns the bot's posts in a message's thread, as Slack
// shows them now (edits included).
func (h *harness) askingPosts(channel, thread string) []slack.Message {
	var out []slack.Message
	for _, m := range h.fake.Messages(channel) {
		if m.User == slackfake.BotUserID && m.ThreadTimestamp == thread && m.Timestamp != thread {
			out = append(out, m)
		}
	}
	return out
}

// However a prompted message gets its ticket, the prompt and the
// needs-a-ticket answer in its thread end up naming the ticket, with no
// button left to press.
func TestPromptsNameTheTicketOnceTicketed(t *testing.T) {
	tests := []struct {
		name   string
		ticket func(h *harness, ts string)
		want   string
	}{
		{"by the deadline", func(h *harness, ts string) {
			h.clock.add(16 * time.Minute)
			h.worker.Kick()
		}, "ticketed automatically"},
		{"by the requester's [Create ticket]", func(h *harness, ts string) {
			prompt := h.askingPosts(platHelp, ts)[0].Timestamp
			ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + outsider + `"}`
			h.click(outsider, platHelp, prompt, slack.BlockAction{ActionID: render.ActionCreateTicket, Value: ref})
		}, "ticketed by its requester"},
		{"by a member's :ticket: reaction", func(h *harness, ts string) {
			h.event("EvReact", map[string]any{"type": "reaction_added", "user": platOncall, "reaction": "ticket",
				"item_user": outsider, "item": map[string]any{"type": "message", "channel": platHelp, "ts": ts}})
		}, "ticketed by the team"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			ts := h.ts()
			h.event("EvAsk"+strconv.Itoa(i), h.message(platHelp, outsider, "please add me to the grafana admins", ts, ""))
			h.waitFor("the prompt", func() bool { return len(h.askingPosts(platHelp, ts)) == 1 })
			h.event("EvWork"+strconv.Itoa(i), h.message(platHelp, platOncall, "on it", h.ts(), ts))
			h.waitFor("the needs-a-ticket answer", func() bool { return len(h.askingPosts(platHelp, ts)) == 2 })
			var asking []string
			for _, m := range h.askingPosts(platHelp, ts) {
				asking = append(asking, m.Timestamp)
			}
			tt.ticket(h, ts)
			r := h.ticketed(1)[0]
			edited := func() []slack.Message {
				var out []slack.Message
				for _, ts := range asking {
					if m, ok := h.fake.Message(platHelp, ts); ok && strings.Contains(m.Text, r.Ticket.Key) {
						out = append(out, m)
					}
				}
				return out
			}
			h.waitFor("the prompts edited", func() bool { return len(edited()) == 2 })
			h.settled()
			for _, m := range edited() {
				if !strings.Contains(m.Text, tt.want) {
					t.Errorf("edited prompt %q does not say it was %s", m.Text, tt.want)
				}
				b := blocksJSON(m)
				if strings.Contains(b, render.ActionCreateTicket) || strings.Contains(b, render.ActionEmergency) {
					t.Errorf("edited prompt still has buttons: %s", b)
				}
				if !strings.Contains(b, r.Ticket.URL) {
					t.Errorf("edited prompt does not link the ticket %s: %s", r.Ticket.URL, b)
				}
			}
			// A stale client presses the old button: nothing changes.
			ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + outsider + `"}`
			h.click(outsider, platHelp, asking[0], slack.BlockAction{ActionID: render.ActionCreateTicket, Value: ref})
			h.settled()
			if n := len(h.requests()); n != 1 {
				t.Fatalf("%d requests after a second press, want 1", n)
			}
			if m, _ := h.fake.Message(platHelp, asking[0]); !strings.Contains(m.Text, r.Ticket.Key) {
				t.Fatalf("after a second press the prompt says %q, want the ticket %s", m.Text, r.Ticket.Key)
			}
		})
	}
}
