package slackfake

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/slack-go/slack"
)

// publishedChannel reads the fields of a channel object and of the
// top-level answer in Slack's published shape of conversations.setTopic,
// whose channel is the object conversations.list lists.
func publishedChannel(t *testing.T) (channel, top map[string]any) {
	t.Helper()
	path, data := readReference(t, "slack/shapes/api/conversations.setTopic.json")
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	channel, ok := top["channel"].(map[string]any)
	if !ok {
		t.Fatalf("%s: no channel object", path)
	}
	return channel, top
}

// conversations.list pages through the named channels with next_cursor,
// lists the types asked for, leaves out private channels the bot is not
// in and, when asked, archived ones, and answers Slack's errors.
func TestListConversations(t *testing.T) {
	shape, top := publishedChannel(t)
	s := New(t)
	for _, ch := range []Channel{
		{ID: "C05", Name: "platform-help"},
		{ID: "C01", Name: "general"},
		{ID: "C03", Name: "old-help", Archived: true},
		{ID: "G04", Name: "secret-ops", Private: true},
		{ID: "G02", Name: "not-ours", Private: true, NotMember: true},
		{ID: "C06", Name: "random", NotMember: true},
	} {
		s.AddChannel(ch)
	}
	s.AddMessage("C99", slack.Message{Msg: slack.Msg{User: "U1", Text: "an unnamed channel is not listed"}})

	tests := []struct {
		name  string
		form  url.Values
		want  []string
		pages int
	}{
		{"default types, one page", url.Values{}, []string{"C01", "C03", "C05", "C06"}, 1},
		{"both types, no archived, pages of 2",
			url.Values{"types": {"public_channel,private_channel"}, "exclude_archived": {"true"}, "limit": {"2"}},
			[]string{"C01", "C05", "C06", "G04"}, 2},
		{"private only", url.Values{"types": {"private_channel"}}, []string{"G04"}, 1},
		{"pages of 1", url.Values{"limit": {"1"}, "exclude_archived": {"1"}}, []string{"C01", "C05", "C06"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			pages := 0
			for cursor := ""; ; pages++ {
				form := url.Values{"token": {botToken}}
				for k, v := range tt.form {
					form[k] = v
				}
				if cursor != "" {
					form.Set("cursor", cursor)
				}
				_, _, resp := rawCall(t, s, "conversations.list", form, nil)
				if resp["ok"] != true {
					t.Fatalf("answer %v", resp)
				}
				for _, c := range resp["channels"].([]any) {
					c := c.(map[string]any)
					got = append(got, c["id"].(string))
					for k := range c {
						if _, ok := shape[k]; !ok {
							t.Errorf("channel field %q is not in Slack's shape", k)
						}
					}
				}
				cursor = resp["response_metadata"].(map[string]any)["next_cursor"].(string)
				if cursor == "" {
					pages++
					break
				}
			}
			if !slices.Equal(got, tt.want) || pages != tt.pages {
				t.Errorf("listed %v in %d pages, want %v in %d", got, pages, tt.want, tt.pages)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		s.GrantScopes("xoxb-public-only", "channels:read")
		tests := []struct {
			name, code, needed string
			form               url.Values
		}{
			{"cursor not Slack's", "invalid_cursor", "", url.Values{"token": {botToken}, "cursor": {"bm90IGEgY3Vyc29y"}}},
			{"cursor not base64", "invalid_cursor", "", url.Values{"token": {botToken}, "cursor": {"%%%"}}},
			{"limit too big", "invalid_limit", "", url.Values{"token": {botToken}, "limit": {"1001"}}},
			{"unknown type", "invalid_types", "", url.Values{"token": {botToken}, "types": {"public_channel,channel"}}},
			{"private without groups:read", "missing_scope", "groups:read",
				url.Values{"token": {"xoxb-public-only"}, "types": {"public_channel,private_channel"}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, _, resp := rawCall(t, s, "conversations.list", tt.form, nil)
				if resp["ok"] != false || resp["error"] != tt.code {
					t.Fatalf("answer %v, want error %s", resp, tt.code)
				}
				if tt.needed != "" && resp["needed"] != tt.needed {
					t.Errorf("needed %v, want %s", resp["needed"], tt.needed)
				}
				for k := range resp {
					if _, ok := top[k]; !ok && k != "response_metadata" {
						t.Errorf("answer field %q is not in Slack's shape", k)
					}
				}
			})
		}
		_, _, resp := rawCall(t, s, "conversations.list", url.Values{"token": {"xoxb-public-only"}}, nil)
		if resp["ok"] != true {
			t.Errorf("public channels with channels:read: %v", resp)
		}
	})
}

// chat.postMessage takes a channel's name and posts under its id; the
// readers and chat.update take ids only, as Slack's do.
func TestChannelNamesWhereSlackTakesThem(t *testing.T) {
	s := New(t)
	s.AddChannel(Channel{ID: "C05", Name: "platform-help"})
	_, _, posted := rawCall(t, s, "chat.postMessage", url.Values{"token": {botToken}, "channel": {"#platform-help"}, "text": {"hi"}}, nil)
	if posted["ok"] != true || posted["channel"] != "C05" {
		t.Fatalf("post by name: %v", posted)
	}
	ts := posted["ts"].(string)
	tests := []struct {
		name, method, code string
		form               url.Values
	}{
		{"post to an unknown name", "chat.postMessage", "channel_not_found", url.Values{"channel": {"#nope"}, "text": {"x"}}},
		{"history by name", "conversations.history", "channel_not_found", url.Values{"channel": {"#platform-help"}}},
		{"replies by name", "conversations.replies", "channel_not_found", url.Values{"channel": {"#platform-help"}, "ts": {ts}}},
		{"info by name", "conversations.info", "channel_not_found", url.Values{"channel": {"#platform-help"}}},
		{"update by name", "chat.update", "channel_not_found", url.Values{"channel": {"#platform-help"}, "ts": {ts}, "text": {"y"}}},
		{"history by id", "conversations.history", "", url.Values{"channel": {"C05"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("token", botToken)
			_, _, resp := rawCall(t, s, tt.method, tt.form, nil)
			if got, _ := resp["error"].(string); got != tt.code {
				t.Errorf("answer %v, want error %q", resp, tt.code)
			}
		})
	}
}
