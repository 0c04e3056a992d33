package slackfake

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// seedChannel puts messages at ts 1.000000 ... n.000000 into C1, by user U1.
func seedChannel(s *Server, n int) {
	for i := 1; i <= n; i++ {
		s.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: fmt.Sprint(i), Timestamp: fmt.Sprintf("%d.000000", i)}})
	}
}

func texts(msgs []slack.Message) string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return strings.Join(out, ",")
}

func TestHistoryPaging(t *testing.T) {
	s, api := newClient(t)
	seedChannel(s, 5)
	tests := []struct {
		name    string
		params  slack.GetConversationHistoryParameters
		want    string
		hasMore bool
	}{
		{"everything newest first", slack.GetConversationHistoryParameters{}, "5,4,3,2,1", false},
		{"limit keeps the newest", slack.GetConversationHistoryParameters{Limit: 2}, "5,4", true},
		{"latest is exclusive", slack.GetConversationHistoryParameters{Latest: "3.000000"}, "2,1", false},
		{"latest inclusive", slack.GetConversationHistoryParameters{Latest: "3.000000", Inclusive: true}, "3,2,1", false},
		{"one message by ts", slack.GetConversationHistoryParameters{Latest: "3.000000", Inclusive: true, Limit: 1}, "3", true},
		{"oldest is exclusive", slack.GetConversationHistoryParameters{Oldest: "3.000000"}, "5,4", false},
		{"oldest alone keeps the closest to it", slack.GetConversationHistoryParameters{Oldest: "1.000000", Limit: 2}, "3,2", true},
		{"window", slack.GetConversationHistoryParameters{Oldest: "1.000000", Latest: "5.000000"}, "4,3,2", false},
		{"window inclusive", slack.GetConversationHistoryParameters{Oldest: "2.000000", Latest: "4.000000", Inclusive: true}, "4,3,2", false},
		{"window over limit keeps the closest to latest", slack.GetConversationHistoryParameters{Oldest: "1.000000", Latest: "5.000000", Limit: 2}, "4,3", true},
		{"nothing there", slack.GetConversationHistoryParameters{Latest: "1.000000"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.params
			p.ChannelID = "C1"
			resp, err := api.GetConversationHistoryContext(context.Background(), &p)
			if err != nil {
				t.Fatal(err)
			}
			if got := texts(resp.Messages); got != tt.want || resp.HasMore != tt.hasMore {
				t.Errorf("got %q has_more %v, want %q has_more %v", got, resp.HasMore, tt.want, tt.hasMore)
			}
			if (resp.ResponseMetaData.NextCursor != "") != tt.hasMore {
				t.Errorf("next_cursor %q with has_more %v", resp.ResponseMetaData.NextCursor, resp.HasMore)
			}
		})
	}
}

func TestHistoryCursor(t *testing.T) {
	s, api := newClient(t)
	seedChannel(s, 5)
	tests := []struct {
		name   string
		params slack.GetConversationHistoryParameters
		want   []string
	}{
		{"backwards from now", slack.GetConversationHistoryParameters{Limit: 2}, []string{"5,4", "3,2", "1"}},
		{"forwards from oldest", slack.GetConversationHistoryParameters{Oldest: "0.5", Limit: 2}, []string{"2,1", "4,3", "5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.params
			p.ChannelID = "C1"
			var pages []string
			for range 10 {
				resp, err := api.GetConversationHistoryContext(context.Background(), &p)
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, texts(resp.Messages))
				if !resp.HasMore {
					break
				}
				p.Cursor = resp.ResponseMetaData.NextCursor
			}
			if strings.Join(pages, "|") != strings.Join(tt.want, "|") {
				t.Errorf("pages %q, want %q", pages, tt.want)
			}
		})
	}
	t.Run("bad cursor", func(t *testing.T) {
		_, err := api.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1", Cursor: "bm9wZQ=="})
		if slackError(err) != "invalid_cursor" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad latest", func(t *testing.T) {
		_, err := api.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1", Latest: "yesterday"})
		if slackError(err) != "invalid_ts_latest" {
			t.Errorf("err = %v", err)
		}
	})
}

func TestThreads(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	seedChannel(s, 2)
	s.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U2", Text: "r1", Timestamp: "1.000100", ThreadTimestamp: "1.000000"}})
	s.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U3", Text: "r2", Timestamp: "1.000200", ThreadTimestamp: "1.000000"}})
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("r3", false), slack.MsgOptionTS("1.000000"), slack.MsgOptionBroadcast())
	if err != nil {
		t.Fatal(err)
	}

	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(hist.Messages); got != "r3,2,1" {
		t.Errorf("history %q: replies must not show, broadcasts must", got)
	}
	parent := hist.Messages[2]
	if parent.ReplyCount != 3 || parent.ThreadTimestamp != "1.000000" || strings.Join(parent.ReplyUsers, ",") != "U2,U3,"+BotUserID {
		t.Errorf("parent thread fields: %+v", parent.Msg)
	}

	tests := []struct {
		name, ts, oldest, latest string
		inclusive                bool
		want, wantErr            string
	}{
		{"by parent", "1.000000", "", "", false, "1,r1,r2,r3", ""},
		{"by a reply", "1.000200", "", "", false, "1,r1,r2,r3", ""},
		{"one reply", "1.000200", "1.000200", "1.000200", true, "1,r2", ""},
		{"no thread", "2.000000", "", "", false, "2", ""},
		{"unknown", "9.000000", "", "", false, "", "thread_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: "C1", Timestamp: tt.ts, Oldest: tt.oldest, Latest: tt.latest, Inclusive: tt.inclusive,
			})
			if got := texts(msgs); got != tt.want || slackError(err) != tt.wantErr {
				t.Errorf("replies = %q, %v; want %q, %q", got, err, tt.want, tt.wantErr)
			}
		})
	}

	t.Run("paged", func(t *testing.T) {
		p := slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: "1.000000", Limit: 2}
		msgs, more, cursor, err := api.GetConversationRepliesContext(ctx, &p)
		if err != nil || texts(msgs) != "1,r1,r2" || !more {
			t.Fatalf("first page %q more %v, %v", texts(msgs), more, err)
		}
		p.Cursor = cursor
		msgs, more, _, err = api.GetConversationRepliesContext(ctx, &p)
		if err != nil || texts(msgs) != "1,r3" || more {
			t.Errorf("second page %q more %v, %v", texts(msgs), more, err)
		}
	})
}

// chat.postMessage takes a user id for the DM, but the methods that read
// or edit a conversation take its id only, as in Slack: a bot that looks
// for its DM by the user's id finds nothing there.
func TestReadersRefuseAUserID(t *testing.T) {
	s := New(t)
	_, _, posted := rawCall(t, s, "chat.postMessage", url.Values{"token": {botToken}, "channel": {"U42"}, "text": {"psst"}}, nil)
	if posted["ok"] != true || posted["channel"] != s.DM("U42") {
		t.Fatalf("post to a user: %v", posted)
	}
	ts, _ := posted["ts"].(string)
	for _, c := range []struct {
		method string
		form   url.Values
	}{
		{"conversations.history", url.Values{}},
		{"conversations.replies", url.Values{"ts": {ts}}},
		{"conversations.info", url.Values{}},
		{"chat.update", url.Values{"ts": {ts}, "text": {"x"}}},
		{"chat.getPermalink", url.Values{"message_ts": {ts}}},
	} {
		t.Run(c.method, func(t *testing.T) {
			for _, channel := range []string{"U42", s.DM("U42")} {
				form := maps.Clone(c.form)
				form.Set("token", botToken)
				form.Set("channel", channel)
				_, _, resp := rawCall(t, s, c.method, form, nil)
				if got, want := resp["error"], map[bool]any{true: "channel_not_found", false: nil}[channel == "U42"]; got != want {
					t.Errorf("channel %s: error %v, want %v", channel, got, want)
				}
			}
		})
	}
}
