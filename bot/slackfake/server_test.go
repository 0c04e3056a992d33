package slackfake

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/slackexport"
)

func TestTokens(t *testing.T) {
	s := New(t)
	tests := []struct {
		name, method string
		form         url.Values
		header       http.Header
		wantErr      string
	}{
		{"no token", "chat.postMessage", url.Values{"channel": {"C1"}, "text": {"hi"}}, nil, "not_authed"},
		{"form token", "auth.test", url.Values{"token": {botToken}}, nil, ""},
		{"bearer token", "auth.test", nil, http.Header{"Authorization": {"Bearer " + botToken}}, ""},
		{"app token for a bot method", "auth.test", url.Values{"token": {"xapp-1"}}, nil, "not_allowed_token_type"},
		{"bot token for apps.connections.open", "apps.connections.open", url.Values{"token": {botToken}}, nil, "not_allowed_token_type"},
		{"unknown method", "chat.postMessagee", url.Values{"token": {botToken}}, nil, "unknown_method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, body := rawCall(t, s, tt.method, tt.form, tt.header)
			if ok, _ := body["ok"].(bool); ok != (tt.wantErr == "") {
				t.Fatalf("ok = %v, body %v", ok, body)
			}
			if got, _ := body["error"].(string); got != tt.wantErr {
				t.Errorf("error = %q, want %q", got, tt.wantErr)
			}
			calls := s.Calls(tt.method)
			if last := calls[len(calls)-1]; last.OK != (tt.wantErr == "") || last.Error != tt.wantErr {
				t.Errorf("recorded %+v", last)
			}
		})
	}
}

func TestPostMessage(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	before := time.Now().Truncate(time.Microsecond)
	var stamps []string
	for _, text := range []string{"one", "two", "three"} {
		ch, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText(text, false))
		if err != nil {
			t.Fatal(err)
		}
		if ch != "C1" {
			t.Errorf("channel = %q", ch)
		}
		stamps = append(stamps, ts)
	}
	for i := 1; i < len(stamps); i++ {
		if stamps[i] <= stamps[i-1] {
			t.Errorf("ts %q after %q: want increasing", stamps[i], stamps[i-1])
		}
	}
	// Slack stamps a message with the time it arrived.
	if at, err := slackexport.ParseTS(stamps[0]); err != nil || at.Before(before) || at.After(time.Now()) {
		t.Errorf("first ts = %q (%v), want the time it was posted, after %v", stamps[0], err, before)
	}
	m, ok := s.Message("C1", stamps[1])
	if !ok || m.Text != "two" || m.User != BotUserID || m.BotID != BotID {
		t.Errorf("Message = %+v, %v", m.Msg, ok)
	}

	t.Run("to a user is a DM", func(t *testing.T) {
		ch, ts, err := api.PostMessageContext(ctx, "U42", slack.MsgOptionText("psst", false))
		if err != nil {
			t.Fatal(err)
		}
		if ch != s.DM("U42") || !strings.HasPrefix(ch, "D") {
			t.Errorf("channel = %q, DM = %q", ch, s.DM("U42"))
		}
		if m, ok := s.Message(ch, ts); !ok || m.Text != "psst" {
			t.Errorf("Message = %+v, %v", m.Msg, ok)
		}
	})

	t.Run("blocks and thread", func(t *testing.T) {
		blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*hi*", false, false), nil, nil))
		_, ts, err := api.PostMessageContext(ctx, "C1", blocks, slack.MsgOptionTS(stamps[0]))
		if err != nil {
			t.Fatal(err)
		}
		m, _ := s.Message("C1", ts)
		if len(m.Blocks.BlockSet) != 1 || m.ThreadTimestamp != stamps[0] {
			t.Errorf("reply = %+v", m.Msg)
		}
		parent, _ := s.Message("C1", stamps[0])
		if parent.ReplyCount != 1 || parent.LatestReply != ts || parent.ThreadTimestamp != stamps[0] {
			t.Errorf("parent = %+v", parent.Msg)
		}
	})

	tests := []struct {
		name    string
		opts    []slack.MsgOption
		wantErr string
	}{
		{"no text", []slack.MsgOption{slack.MsgOptionText("", false)}, "no_text"},
		{"too long", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("x", maxText+1), false)}, "msg_too_long"},
		{"section too long", []slack.MsgOption{slack.MsgOptionBlocks(slack.NewSectionBlock(
			slack.NewTextBlockObject("mrkdwn", strings.Repeat("x", maxSectionText+1), false, false), nil, nil))}, "invalid_blocks"},
		{"too many blocks", []slack.MsgOption{slack.MsgOptionBlocks(manyDividers(maxMessageBlocks + 1)...)}, "invalid_blocks"},
		{"fifty blocks", []slack.MsgOption{slack.MsgOptionBlocks(manyDividers(maxMessageBlocks)...)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := api.PostMessageContext(ctx, "C2", tt.opts...)
			if got := slackError(err); got != tt.wantErr {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func manyDividers(n int) []slack.Block {
	var out []slack.Block
	for range n {
		out = append(out, slack.NewDividerBlock())
	}
	return out
}

func TestInvalidBlocksSaysWhere(t *testing.T) {
	s := New(t)
	form := url.Values{"token": {botToken}, "channel": {"C1"}, "blocks": {`[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`}}
	_, _, body := rawCall(t, s, "chat.postMessage", form, nil)
	msgs, _ := body["response_metadata"].(map[string]any)["messages"].([]any)
	if body["error"] != "invalid_blocks" || len(msgs) != 1 || !strings.Contains(msgs[0].(string), "[json-pointer:/blocks/0/text]") {
		t.Errorf("answer = %v", body)
	}
}

func TestUpdateMessage(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("before", false))
	if err != nil {
		t.Fatal(err)
	}
	s.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: "a human's", Timestamp: "1763900001.000000"}})

	tests := []struct {
		name, ts, text, wantErr string
	}{
		{"bot's own message", ts, "after", ""},
		{"unknown ts", "1763900099.000000", "x", "message_not_found"},
		{"someone else's", "1763900001.000000", "x", "cant_update_message"},
		{"nothing to say", ts, "", "no_text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := api.UpdateMessageContext(ctx, "C1", tt.ts, slack.MsgOptionText(tt.text, false))
			if got := slackError(err); got != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
	m, _ := s.Message("C1", ts)
	if m.Text != "after" || m.Edited == nil {
		t.Errorf("after update: %+v", m.Msg)
	}
}

func TestEphemeralAndPermalink(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	ets, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("only you", false))
	if err != nil || ets == "" {
		t.Fatalf("PostEphemeral = %q, %v", ets, err)
	}
	if c := s.Calls("chat.postEphemeral"); len(c) != 1 || c[0].Form.Get("user") != "U1" {
		t.Errorf("calls = %+v", c)
	}
	if _, ok := s.Message("C1", ets); ok {
		t.Error("an ephemeral message is in the channel's history")
	}
	_, ts, _ := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("parent", false))
	_, reply, _ := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts))
	tests := []struct {
		ts, want, wantErr string
	}{
		{ts, TeamURL + "archives/C1/p" + strings.Replace(ts, ".", "", 1), ""},
		{reply, TeamURL + "archives/C1/p" + strings.Replace(reply, ".", "", 1) + "?thread_ts=" + ts + "&cid=C1", ""},
		{"1.000000", "", "message_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.ts, func(t *testing.T) {
			got, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: tt.ts})
			if got != tt.want || slackError(err) != tt.wantErr {
				t.Errorf("permalink = %q, %v; want %q, %q", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRateLimitAndFail(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	s.RateLimit("chat.postMessage", 2, 1500*time.Millisecond)
	for range 2 {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
			t.Fatalf("err = %v, want a rate limit of 2s (1.5s rounded up)", err)
		}
	}
	s.Fail("chat.postMessage", 1, "channel_not_found")
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); slackError(err) != "channel_not_found" {
		t.Fatalf("err = %v, want channel_not_found", err)
	}
	s.FailHTTP("chat.postMessage", 1, http.StatusServiceUnavailable)
	var status slack.StatusCodeError
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); !errors.As(err, &status) || status.Code != 503 {
		t.Fatalf("err = %v, want a 503", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("after the trouble: %v", err)
	}
	var got []string
	for _, c := range s.Calls("chat.postMessage") {
		got = append(got, c.Error)
	}
	want := []string{"ratelimited", "ratelimited", "channel_not_found", "Service Unavailable", ""}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("recorded errors %q, want %q", got, want)
	}
	if ok := s.OKCalls("chat.postMessage"); len(ok) != 1 || len(s.Messages("C1")) != 1 {
		t.Errorf("%d ok calls, %d messages; want 1 and 1", len(ok), len(s.Messages("C1")))
	}
	if c := s.Calls("chat.postMessage"); c[0].Status != http.StatusTooManyRequests || c[4].Status != http.StatusOK {
		t.Errorf("statuses %d, %d", c[0].Status, c[4].Status)
	}
}

func TestWaitCalls(t *testing.T) {
	s, api := newClient(t)
	done := make(chan error, 1)
	go func() {
		_, _, err := api.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("later", false))
		done <- err
	}()
	calls := s.WaitCalls(t, "chat.postMessage", 1, 5*time.Second)
	if len(calls) != 1 || calls[0].Form.Get("text") != "later" || calls[0].Form.Get("token") != botToken {
		t.Errorf("calls = %+v", calls)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if all := s.Calls(""); len(all) != 1 {
		t.Errorf("Calls(\"\") = %d calls", len(all))
	}
}

func TestUsersAndGroups(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	s.AddUser(slack.User{ID: "U1", Name: "ana", Profile: slack.UserProfile{Email: "ana@example.com"}})
	s.AddUsergroup(slack.UserGroup{ID: "S1", Handle: "platform-oncall", Users: []string{"U1"}})

	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Profile.Email != "ana@example.com" || u.TeamID != TeamID {
		t.Errorf("users.info U1 = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U404"); slackError(err) != "user_not_found" {
		t.Errorf("users.info U404: %v", err)
	}
	if bot, err := api.GetUserInfoContext(ctx, BotUserID); err != nil || !bot.IsBot {
		t.Errorf("users.info bot = %+v, %v", bot, err)
	}
	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.UserID != BotUserID || auth.TeamID != TeamID || auth.URL != TeamURL || auth.BotID != BotID {
		t.Errorf("auth.test = %+v, %v", auth, err)
	}
	if bot, err := api.GetBotInfoContext(ctx, slack.GetBotInfoParameters{Bot: BotID}); err != nil || bot.UserID != BotUserID {
		t.Errorf("bots.info = %+v, %v", bot, err)
	}

	if _, err := api.UpdateUserGroupMembersListContext(ctx, "S1", []string{"U2", "U3"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.GroupMembers("S1"), ","); got != "U2,U3" {
		t.Errorf("GroupMembers = %q", got)
	}
	if got, err := api.GetUserGroupMembersContext(ctx, "S1"); err != nil || strings.Join(got, ",") != "U2,U3" {
		t.Errorf("usergroups.users.list = %v, %v", got, err)
	}
	groups, err := api.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
	if err != nil || len(groups) != 1 || groups[0].Handle != "platform-oncall" || len(groups[0].Users) != 2 {
		t.Errorf("usergroups.list = %+v, %v", groups, err)
	}
	if _, err := api.UpdateUserGroupMembersListContext(ctx, "S404", []string{"U2"}); slackError(err) != "no_such_subteam" {
		t.Errorf("unknown group: %v", err)
	}
}

func TestConversations(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	first, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil {
		t.Fatal(err)
	}
	again, _, already, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || again.ID != first.ID || !already || !strings.HasPrefix(first.ID, "D") {
		t.Errorf("conversations.open twice: %q then %q (already open %v), %v", first.ID, again.ID, already, err)
	}
	other, _, _, _ := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U2"}})
	if other == nil || other.ID == first.ID {
		t.Errorf("two users share DM %q", first.ID)
	}

	ch, err := api.SetTopicOfConversationContext(ctx, "C1", "on call: <@U1>")
	if err != nil || ch.Topic.Value != "on call: <@U1>" || s.Topic("C1") != "on call: <@U1>" {
		t.Errorf("setTopic = %+v, %v; Topic %q", ch, err, s.Topic("C1"))
	}
	if msgs := s.Messages("C1"); len(msgs) != 1 || msgs[0].SubType != slack.MsgSubTypeChannelTopic {
		t.Errorf("topic change posted %+v", msgs)
	}
	if _, err := api.SetTopicOfConversationContext(ctx, "C1", strings.Repeat("x", maxTopic+1)); slackError(err) != "too_long" {
		t.Errorf("long topic: %v", err)
	}
	info, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: first.ID})
	if err != nil || !info.IsIM || info.User != "U1" {
		t.Errorf("conversations.info DM = %+v, %v", info, err)
	}
}
