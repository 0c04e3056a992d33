package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// ErrMessageNotFound is returned by Gateway.Message when Slack has no
// message with that ts in the channel, neither in its history nor in a
// thread.
var ErrMessageNotFound = errors.New("message not found")

// permanentCodes are the Slack errors that the same call will get again
// however often it is retried: the call, the token or the target is wrong.
var permanentCodes = map[string]bool{
	"channel_not_found":      true,
	"not_in_channel":         true,
	"is_archived":            true,
	"user_not_found":         true,
	"user_not_in_channel":    true,
	"users_not_found":        true,
	"invalid_blocks":         true,
	"invalid_attachments":    true,
	"msg_too_long":           true,
	"no_text":                true,
	"too_many_attachments":   true,
	"cant_update_message":    true,
	"edit_window_closed":     true,
	"message_not_found":      true,
	"thread_not_found":       true,
	"invalid_arguments":      true,
	"invalid_arg_name":       true,
	"invalid_array_arg":      true,
	"invalid_charset":        true,
	"invalid_form_data":      true,
	"invalid_post_type":      true,
	"missing_post_type":      true,
	"invalid_json":           true,
	"json_not_object":        true,
	"invalid_cursor":         true,
	"invalid_ts_latest":      true,
	"invalid_ts_oldest":      true,
	"expired_trigger_id":     true,
	"exchanged_trigger_id":   true,
	"invalid_trigger_id":     true,
	"duplicate_external_id":  true,
	"not_found":              true,
	"view_too_large":         true,
	"not_allowed_token_type": true,
	"missing_scope":          true,
	"not_authed":             true,
	"invalid_auth":           true,
	"account_inactive":       true,
	"token_revoked":          true,
	"token_expired":          true,
	"no_permission":          true,
	"restricted_action":      true,
	"no_such_subteam":        true,
	"invalid_users":          true,
	"too_long":               true,
	"file_not_found":         true,
	"bot_not_found":          true,
	"method_deprecated":      true,
	"unknown_method":         true,
}

// Gateway sends every Web API call of the bot to Slack: it waits out rate
// limits (a 429's Retry-After holds every later call of the method, or of
// the channel for a post, not only the refused one), marks the errors no
// retry can fix as permanent for the outbox, and reports each call for
// metrics. Its fields are set before first use; after that it is safe for
// concurrent use.
type Gateway struct {
	api *slack.Client
	log *slog.Logger
	now func() time.Time

	// MaxRetries is how many times a rate-limited call is retried.
	MaxRetries int
	// MaxWait is the longest Retry-After waited out in place; a longer one
	// is returned as a (retryable) error so the outbox retries later.
	MaxWait time.Duration
	// Observe, when set, is told of every attempt: the method, its error
	// and how long it took.
	Observe func(method string, err error, took time.Duration)
	// Sleep waits d or until ctx is done; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Limit, if set, paces every attempt before it is made (replicas
	// sharing Slack's limits); nil leaves pacing to Slack's Retry-After.
	Limit Limiter

	// held is when Slack's last Retry-After ends, for every caller.
	held holds

	// dms keeps the bot's DM channel with each user (user id to channel
	// id): conversations.open names the same channel every time, and
	// asking again cost a tier-3 call for every message to the on-call.
	dms sync.Map
}

// NewGateway returns a Gateway calling api, with 3 retries and a 30 s
// longest wait. log may be nil.
func NewGateway(api *slack.Client, log *slog.Logger) *Gateway {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Gateway{api: api, log: log, now: time.Now, MaxRetries: 3, MaxWait: 30 * time.Second, Sleep: sleep}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Do runs fn, one Web API call named method, retrying it while Slack rate
// limits it. The error is wrapped as "slack <method>: ..." and marked with
// triage.Permanent when Slack will refuse the call again.
func (g *Gateway) Do(ctx context.Context, method string, fn func(context.Context) error) error {
	return g.doIn(ctx, method, "", fn)
}

// doIn is Do for a call to one channel, which Limit may pace per channel.
func (g *Gateway) doIn(ctx context.Context, method, channel string, fn func(context.Context) error) error {
	key := holdKey(method, channel)
	var waited time.Time // the end of the hold this call has waited out
	for attempt := 0; ; attempt++ {
		now := g.now()
		if until := g.held.until(key, now); until.After(waited) {
			d := until.Sub(now)
			if d > g.MaxWait {
				return fmt.Errorf("slack %s: held by an earlier call's Retry-After: %w", method, &slack.RateLimitedError{RetryAfter: d})
			}
			if err := g.Sleep(ctx, d); err != nil {
				return fmt.Errorf("slack %s: waiting out rate limit: %w", method, err)
			}
			waited = until
		}
		if g.Limit != nil {
			if err := g.Limit.Wait(ctx, method, channel); err != nil {
				return fmt.Errorf("slack %s: %w", method, err)
			}
		}
		start := g.now()
		err := fn(ctx)
		if g.Observe != nil {
			g.Observe(method, err, g.now().Sub(start))
		}
		if err == nil {
			return nil
		}
		var limited *slack.RateLimitedError
		if errors.As(err, &limited) {
			waited = g.now().Add(limited.RetryAfter)
			g.held.hold(key, waited)
		} else {
			if permanent(err) {
				return triage.Permanent(fmt.Errorf("slack %s: %w", method, err))
			}
			return fmt.Errorf("slack %s: %w", method, err)
		}
		if attempt >= g.MaxRetries || limited.RetryAfter > g.MaxWait {
			return fmt.Errorf("slack %s: %w", method, err)
		}
		g.log.WarnContext(ctx, "slack rate limit", "method", method, "retry_after", limited.RetryAfter, "attempt", attempt+1)
		if err := g.Sleep(ctx, limited.RetryAfter); err != nil {
			return fmt.Errorf("slack %s: waiting out rate limit: %w", method, err)
		}
	}
}

// permanent reports whether Slack, or slack-go before sending, refused the
// call for a reason that retrying cannot change.
func permanent(err error) bool {
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) {
		return permanentCodes[resp.Err]
	}
	return errors.Is(err, slack.ErrParametersMissing) || errors.Is(err, slack.ErrBlockIDNotUnique)
}

// PostMessage posts a message outside any thread and returns its ts; it
// is Post with no thread (a reply goes through Post, which looks for it
// in its thread).
func (g *Gateway) PostMessage(ctx context.Context, channel string, opts ...slack.MsgOption) (ts string, err error) {
	return g.Post(ctx, channel, "", opts...)
}

// UpdateMessage replaces the parts of a posted message that opts set.
func (g *Gateway) UpdateMessage(ctx context.Context, channel, ts string, opts ...slack.MsgOption) error {
	return g.Do(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := g.api.UpdateMessageContext(ctx, channel, ts, opts...)
		return err
	})
}

// PostEphemeral shows a message to one user in a channel.
//
// Unlike Post, it makes no exactly-once effort, and cannot: Slack keeps
// no ephemeral message. conversations.history and conversations.replies
// never return one, chat.postEphemeral takes no metadata and answers only
// a message_ts that no method reads back, and the message is gone from
// the user's client on reload. An earlier run's post can therefore not be
// found again, and a resumed job could only guess. So an ephemeral
// message is only ever a hint to the person who acted (an empty mention,
// a button that does nothing now), posted while a delivery is processed,
// never a job's effect: in the rare crash between the post and the
// delivery's Done, the hint is shown twice, and no record depends on it.
func (g *Gateway) PostEphemeral(ctx context.Context, channel, user string, opts ...slack.MsgOption) error {
	return g.Do(ctx, "chat.postEphemeral", func(ctx context.Context) error {
		_, err := g.api.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
}

// OpenView opens a modal and returns its view id.
func (g *Gateway) OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) (viewID string, err error) {
	err = g.Do(ctx, "views.open", func(ctx context.Context) error {
		resp, err := g.api.OpenViewContext(ctx, triggerID, v)
		if err == nil {
			viewID = resp.View.ID
		}
		return err
	})
	return viewID, err
}

// UpdateView replaces an open modal.
func (g *Gateway) UpdateView(ctx context.Context, v slack.ModalViewRequest, viewID string) error {
	return g.Do(ctx, "views.update", func(ctx context.Context) error {
		_, err := g.api.UpdateViewContext(ctx, v, "", "", viewID)
		return err
	})
}

// PublishView publishes a user's Home tab.
func (g *Gateway) PublishView(ctx context.Context, user string, v slack.HomeTabViewRequest) error {
	return g.Do(ctx, "views.publish", func(ctx context.Context) error {
		_, err := g.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: v})
		return err
	})
}

// OpenDM returns the id of the bot's DM channel with a user.
func (g *Gateway) OpenDM(ctx context.Context, user string) (channel string, err error) {
	if ch, ok := g.dms.Load(user); ok {
		return ch.(string), nil
	}
	err = g.Do(ctx, "conversations.open", func(ctx context.Context) error {
		ch, _, _, err := g.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err == nil && ch != nil {
			channel = ch.ID
		}
		return err
	})
	if err == nil && channel != "" {
		g.dms.Store(user, channel)
	}
	return channel, err
}

// forgetDM drops the DM channel kept for whichever user it belongs to,
// after Slack refused a post to it for good, so that the next OpenDM asks
// Slack again.
func (g *Gateway) forgetDM(channel string) {
	g.dms.Range(func(user, ch any) bool {
		if ch == channel {
			g.dms.Delete(user)
		}
		return true
	})
}

// Message fetches one message by its ts: from the channel's history, or,
// for a thread reply, which history does not list, from its thread. It
// returns ErrMessageNotFound, marked permanent, when Slack has neither.
func (g *Gateway) Message(ctx context.Context, channel, ts string) (*slack.Message, error) {
	var found *slack.Message
	err := g.Do(ctx, "conversations.history", func(ctx context.Context) error {
		resp, err := g.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channel, Latest: ts, Inclusive: true, Limit: 1,
		})
		if err == nil {
			found = pick(resp.Messages, ts)
		}
		return err
	})
	if err != nil || found != nil {
		return found, err
	}
	err = g.Do(ctx, "conversations.replies", func(ctx context.Context) error {
		msgs, _, _, err := g.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: channel, Timestamp: ts, Latest: ts, Oldest: ts, Inclusive: true,
		})
		found = pick(msgs, ts)
		return err
	})
	var resp slack.SlackErrorResponse
	switch {
	case errors.As(err, &resp) && resp.Err == "thread_not_found", err == nil && found == nil:
		return nil, triage.Permanent(fmt.Errorf("slack message %s %s: %w", channel, ts, ErrMessageNotFound))
	case err != nil:
		return nil, err
	}
	return found, nil
}

func pick(msgs []slack.Message, ts string) *slack.Message {
	for i := range msgs {
		if msgs[i].Timestamp == ts {
			return &msgs[i]
		}
	}
	return nil
}

// UserInfo fetches a user's profile.
func (g *Gateway) UserInfo(ctx context.Context, user string) (u *slack.User, err error) {
	err = g.Do(ctx, "users.info", func(ctx context.Context) error {
		u, err = g.api.GetUserInfoContext(ctx, user)
		return err
	})
	return u, err
}

// Email returns user's profile email, "" when Slack shows none (the token
// lacks users:read.email, or the user is a bot).
func (g *Gateway) Email(ctx context.Context, user string) (string, error) {
	u, err := g.UserInfo(ctx, user)
	if err != nil {
		return "", err
	}
	return u.Profile.Email, nil
}

// UserByEmail returns the id of the user with email, "" when there is none.
func (g *Gateway) UserByEmail(ctx context.Context, email string) (id string, err error) {
	err = g.Do(ctx, "users.lookupByEmail", func(ctx context.Context) error {
		u, err := g.api.GetUserByEmailContext(ctx, email)
		if err == nil {
			id = u.ID
		}
		return err
	})
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "users_not_found" {
		return "", nil
	}
	return id, err
}

// AuthTest checks the token and says who the bot is.
func (g *Gateway) AuthTest(ctx context.Context) (resp *slack.AuthTestResponse, err error) {
	err = g.Do(ctx, "auth.test", func(ctx context.Context) error {
		resp, err = g.api.AuthTestContext(ctx)
		return err
	})
	return resp, err
}

// SetUsergroupMembers makes users the whole membership of a user group.
func (g *Gateway) SetUsergroupMembers(ctx context.Context, group string, users []string) error {
	return g.Do(ctx, "usergroups.users.update", func(ctx context.Context) error {
		_, err := g.api.UpdateUserGroupMembersListContext(ctx, group, users)
		return err
	})
}

// SetTopic sets a channel's topic.
func (g *Gateway) SetTopic(ctx context.Context, channel, topic string) error {
	return g.Do(ctx, "conversations.setTopic", func(ctx context.Context) error {
		_, err := g.api.SetTopicOfConversationContext(ctx, channel, topic)
		return err
	})
}

// UploadFile shares a file in a channel, in a thread when threadTS is set,
// with Slack's three-step external upload. Inside an outbox job that may
// have run before it first looks there for the bot's message sharing a
// file of that name, and shares it again only when there is none: a file
// share takes no metadata, so its name is its key.
func (g *Gateway) UploadFile(ctx context.Context, channel, threadTS, filename, title string, data []byte) error {
	if len(data) == 0 {
		// slack-go refuses an empty file before calling Slack.
		return triage.Permanent(fmt.Errorf("slack files.upload: %s is empty", filename))
	}
	if a := triage.AttemptOf(ctx); a != nil && a.Resumed {
		ts, err := g.findEarlier(ctx, channel, threadTS, a, func(m *slack.Message) bool { return sharesFile(m, filename) })
		if err != nil {
			return fmt.Errorf("look for an earlier upload: %w", err)
		}
		if ts != "" {
			g.log.InfoContext(ctx, "file shared by an earlier run; not shared again", "channel", channel, "ts", ts, "file", filename)
			return nil
		}
	}
	return g.Do(ctx, "files.upload", func(ctx context.Context) error {
		_, err := g.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(data), FileSize: len(data), Filename: filename, Title: title,
			Channel: channel, ThreadTimestamp: threadTS,
		})
		return err
	})
}

// Permalink returns a message's permanent link.
func (g *Gateway) Permalink(ctx context.Context, channel, ts string) (link string, err error) {
	err = g.Do(ctx, "chat.getPermalink", func(ctx context.Context) error {
		link, err = g.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
		return err
	})
	return link, err
}

// listPage is how many channels one conversations.list call asks for:
// the most Slack's documentation allows in every wording of it ("no larger
// than 1000", "under 1000"), so that a big workspace takes few of the
// method's Tier 2 calls.
const listPage = 999

// ListChannels returns one page of the public and private channels the
// bot can see, archived ones left out, and the cursor of the next page
// ("" after the last).
func (g *Gateway) ListChannels(ctx context.Context, cursor string) (chans []slack.Channel, next string, err error) {
	err = g.Do(ctx, "conversations.list", func(ctx context.Context) error {
		chans, next, err = g.api.GetConversationsContext(ctx, &slack.GetConversationsParameters{
			Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true, Limit: listPage, Cursor: cursor,
		})
		return err
	})
	return chans, next, err
}
