package main

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestFakeSlack drives the fake with slack-go, the client serve uses, so
// that a reply slack-go cannot decode fails here rather than in the bot.
func TestFakeSlack(t *testing.T) {
	fake := newFakeSlack(1760000000)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	api := slack.New("xoxb-bench", slack.OptionAPIURL(srv.URL+"/"))
	ctx := context.Background()
	if !fake.lastCall().IsZero() {
		t.Errorf("lastCall = %v before any call", fake.lastCall())
	}
	before := time.Now()

	auth, err := api.AuthTestContext(ctx)
	if last := fake.lastCall(); last.Before(before) {
		t.Errorf("lastCall = %v after a call made at %v", last, before)
	}
	if err != nil || auth.UserID != "UBOT" || auth.TeamID != "T123" {
		t.Errorf("auth.test = %+v, %v; want UBOT of T123", auth, err)
	}
	ch, ts1, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	if err != nil || ch != "C1" || ts1 == "" {
		t.Errorf("chat.postMessage = %q %q %v", ch, ts1, err)
	}
	_, ts2, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("again", false), slack.MsgOptionTS(ts1))
	if err != nil || ts2 <= ts1 {
		t.Errorf("second chat.postMessage ts %q (err %v), want after %q", ts2, err, ts1)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts1, slack.MsgOptionText("edited", false)); err != nil {
		t.Errorf("chat.update: %v", err)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("psst", false)); err != nil {
		t.Errorf("chat.postEphemeral: %v", err)
	}
	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U7"}})
	if err != nil || dm == nil || dm.ID != "DU7" {
		t.Errorf("conversations.open = %+v, %v; want DU7", dm, err)
	}
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "t", false, false)}
	if v, err := api.OpenViewContext(ctx, "trigger", modal); err != nil || v.View.ID == "" {
		t.Errorf("views.open = %+v, %v; want a view id", v, err)
	}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: slack.HomeTabViewRequest{Type: slack.VTHomeTab}}); err != nil {
		t.Errorf("views.publish: %v", err)
	}
	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil || len(hist.Messages) != 0 {
		t.Errorf("conversations.history = %+v, %v; want empty", hist, err)
	}
	if msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: ts1}); err != nil || len(msgs) != 0 {
		t.Errorf("conversations.replies = %+v, %v; want empty", msgs, err)
	}
	if u, err := api.GetUserInfoContext(ctx, "U9"); err != nil || u.ID != "U9" {
		t.Errorf("users.info = %+v, %v", u, err)
	}

	want := map[string]int{"auth.test": 1, "chat.postMessage": 2, "chat.update": 1, "chat.postEphemeral": 1,
		"conversations.open": 1, "views.open": 1, "views.publish": 1, "conversations.history": 1,
		"conversations.replies": 1, "users.info": 1}
	got := fake.counts()
	for m, n := range want {
		if got[m] != n {
			t.Errorf("%s called %d times, counted %d", m, n, got[m])
		}
	}
	if fake.total() != 11 {
		t.Errorf("total = %d, want 11 (counts %v)", fake.total(), got)
	}
}
