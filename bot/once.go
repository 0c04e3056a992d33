package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

// PostEventType is the metadata event_type of every message an outbox job
// (or a delivery's processing) posts; its event_payload names the job and
// the post.
const PostEventType = "sprintguard_post"

// Bounds of the search for a post an earlier run of a job made.
const (
	// lookupPage is how many messages one history or replies call reads.
	lookupPage = 200
	// lookupPages caps the calls of one search.
	lookupPages = 10
	// clockSkew allows for Slack's clock and ours to differ: a post is
	// looked for from this long before its job was queued to this long
	// after now.
	clockSkew = 10 * time.Minute
)

// Post posts msg options to channel, in thread when thread is set, and
// returns the message's ts. Inside an outbox job it makes the post
// exactly once: it tags the message with metadata naming the job and the
// post's place in the run and, when the job may have run before, first
// looks for a message so tagged in the channel or thread and returns its
// ts instead of posting again.
func (g *Gateway) Post(ctx context.Context, channel, thread string, opts ...slack.MsgOption) (string, error) {
	if a := triage.AttemptOf(ctx); a != nil {
		n := a.Next(channel + "/" + thread)
		if a.Resumed {
			ts, err := g.findEarlier(ctx, channel, thread, a, func(m *slack.Message) bool { return isPost(m, a.Key, n) })
			if err != nil {
				return "", fmt.Errorf("look for an earlier post: %w", err)
			}
			if ts != "" {
				g.log.InfoContext(ctx, "slack post made by an earlier run; not posted again", "channel", channel, "ts", ts, "post", n)
				return ts, nil
			}
		}
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType:    PostEventType,
			EventPayload: map[string]any{"job": a.Key, "post": n},
		}))
	}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	var ts string
	err := g.doIn(ctx, "chat.postMessage", channel, func(ctx context.Context) error {
		var err error
		_, ts, err = g.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if triage.IsPermanent(err) {
		g.forgetDM(channel)
	}
	return ts, err
}

// findEarlier looks in the thread (with conversations.replies) or the
// channel (conversations.history, newest first) among the messages since
// the job was queued for the one that is (match) what the job does now,
// made by an earlier run, and returns its ts, or "" when there is none. A
// conversation the bot cannot read, or a thread that is gone, holds none.
//
// Slack is given the bounds, so that a long thread's or a busy channel's
// older messages take none of the pages the search may read. History
// gets latest too: with oldest alone it pages forward from oldest, and a
// job that ran long after it was queued (a retry, an on-call message held
// for business hours) posted nearer now.
func (g *Gateway) findEarlier(ctx context.Context, channel, thread string, a *triage.Attempt, match func(*slack.Message) bool) (string, error) {
	oldest, latest := slackexport.FormatTS(a.Created.Add(-clockSkew)), slackexport.FormatTS(g.now().Add(clockSkew))
	cursor := ""
	for range lookupPages {
		var msgs []slack.Message
		var next string
		var err error
		if thread != "" {
			err = g.doIn(ctx, "conversations.replies", channel, func(ctx context.Context) error {
				var err error
				msgs, _, next, err = g.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
					ChannelID: channel, Timestamp: thread, Cursor: cursor, Limit: lookupPage, IncludeAllMetadata: true,
					Oldest: oldest, Inclusive: true,
				})
				return err
			})
		} else {
			err = g.doIn(ctx, "conversations.history", channel, func(ctx context.Context) error {
				resp, err := g.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
					ChannelID: channel, Cursor: cursor, Limit: lookupPage, IncludeAllMetadata: true,
					Oldest: oldest, Latest: latest, Inclusive: true,
				})
				if err == nil {
					msgs, next = resp.Messages, resp.ResponseMetaData.NextCursor
				}
				return err
			})
		}
		var resp slack.SlackErrorResponse
		if errors.As(err, &resp) && unreadable[resp.Err] {
			if resp.Err != "thread_not_found" {
				g.log.WarnContext(ctx, "cannot look for an earlier post; posting", "channel", channel, "err", resp.Err)
			}
			return "", nil
		}
		if err != nil {
			return "", err
		}
		for i := range msgs {
			// Replies start every page with the thread's parent, which may
			// be this job's own post in the channel, numbered apart.
			if msgs[i].Timestamp != thread && match(&msgs[i]) {
				return msgs[i].Timestamp, nil
			}
		}
		if next == "" {
			return "", nil
		}
		cursor = next
	}
	g.log.WarnContext(ctx, "gave up looking for an earlier post; posting", "channel", channel, "thread", thread, "pages", lookupPages)
	return "", nil
}

// sharesFile reports whether m is a bot's message sharing a file named name.
func sharesFile(m *slack.Message, name string) bool {
	if m.BotID == "" {
		return false
	}
	for _, f := range m.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// unreadable are the errors of a lookup that cannot be made: the thread is
// gone, or the bot may not read the conversation (it lacks the history
// scope of its kind, or is not a member). Failing the job for good would
// leave its message unsaid; the post is made instead.
var unreadable = map[string]bool{
	"thread_not_found":  true,
	"channel_not_found": true,
	"missing_scope":     true,
	"not_in_channel":    true,
}

// isPost reports whether m is post n of the job key.
func isPost(m *slack.Message, key string, n int) bool {
	p := m.Metadata.EventPayload
	return m.Metadata.EventType == PostEventType && p["job"] == key && fmt.Sprint(p["post"]) == strconv.Itoa(n)
}
