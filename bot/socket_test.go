package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
)

// runSocket connects the harness's bot to the fake in Socket Mode and
// reports whether the connection is up.
func (h *harness) runSocket() *atomic.Bool {
	up := new(atomic.Bool)
	api := slack.New("xoxb-test-token", slack.OptionAPIURL(h.fake.APIURL()), slack.OptionAppLevelToken("xapp-1-test"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.bot.RunSocket(ctx, api, bot.SocketOptions{Up: up.Store})
	}()
	h.t.Cleanup(func() { cancel(); <-done })
	return up
}

func TestSocketModeAcksReconnectsAndFeedsTheHandlers(t *testing.T) {
	h := newHarness(t)
	up := h.runSocket()
	h.fake.WaitConnections(t, 1, 30*time.Second)

	envelope := func(id, text string) map[string]any {
		return map[string]any{"token": "x", "team_id": "T123", "api_app_id": "A123", "type": "event_callback",
			"event_id": id, "event_time": h.clock.now().Unix(), "event": h.message(dataHelp, outsider, text, h.ts(), "")}
	}
	first := envelope("EvSock1", "the kafka consumer lag is growing")
	env := h.fake.Send("events_api", first, 0)
	h.fake.WaitAck(t, env, 30*time.Second)
	// Slack redelivers the same event with retry_attempt 1: no second request.
	h.fake.WaitAck(t, h.fake.Send("events_api", first, 1), 30*time.Second)
	h.ticketed(1)
	h.waitFor("the connection reported up", up.Load)

	h.fake.Disconnect("refresh_requested")
	h.fake.WaitConnections(t, 2, 30*time.Second)
	h.fake.WaitAck(t, h.fake.Send("events_api", envelope("EvSock2", "need a new s3 bucket for the ml team"), 0), 30*time.Second)
	h.ticketed(2)

	h.fake.Drop()
	h.fake.WaitConnections(t, 3, 30*time.Second)
	h.fake.WaitAck(t, h.fake.Send("events_api", envelope("EvSock3", "grant read access to the billing replica"), 0), 30*time.Second)
	h.ticketed(3)

	// A slash command is answered in the ack's payload.
	ack := h.fake.WaitAck(t, h.fake.Send("slash_commands", map[string]any{
		"token": "x", "team_id": "T123", "channel_id": dataHelp, "channel_name": "data-help", "user_id": outsider,
		"user_name": "someone", "command": "/sg", "text": "help", "trigger_id": "trig-sock-help", "api_app_id": "A123",
	}, 0), 30*time.Second)
	var msg slack.Msg
	if err := json.Unmarshal(ack, &msg); err != nil || !strings.Contains(msg.Text, "budget") || msg.ResponseType != slack.ResponseTypeEphemeral {
		t.Fatalf("help ack payload %s: %v", ack, err)
	}
}
