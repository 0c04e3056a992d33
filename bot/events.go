package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// envelope is the outer Events API callback, the same over HTTP and inside
// a Socket Mode envelope.
type envelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	EventID   string `json:"event_id"`
	Event     event  `json:"event"`
}

// event holds the fields sprintguard reads from the inner events it
// subscribes to (message.*, app_mention, reaction_added, app_home_opened).
type event struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	Reaction    string `json:"reaction"`
	Item        struct {
		Type    string `json:"type"`
		Channel string `json:"channel"`
		TS      string `json:"ts"`
	} `json:"item"`
	ItemUser string `json:"item_user"`
	Tab      string `json:"tab"`
	// Message and Previous are an edited message as it is and as it
	// was (subtype message_changed); DeletedTS is a deleted message's ts
	// (message_deleted).
	Message   editedText `json:"message"`
	Previous  editedText `json:"previous_message"`
	DeletedTS string     `json:"deleted_ts"`
	// Files are the files a message shares (subtype file_share).
	Files []triage.File `json:"files"`
}

// editedText is the part of an edited message the bot reads.
type editedText struct {
	TS   string `json:"ts"`
	User string `json:"user"`
	Text string `json:"text"`
}

// envelopeHead is the part of a callback the acknowledgement reads: enough
// to answer url_verification and to drop unwanted events before they are
// stored. Leaving the text and the rest to the processor spares their
// allocations on every acknowledgement.
type envelopeHead struct {
	Type      string    `json:"type"`
	Challenge string    `json:"challenge"`
	EventID   string    `json:"event_id"`
	Event     eventHead `json:"event"`
}

// eventHead is the part of an event that wanted reads.
type eventHead struct {
	Type    string `json:"type"`
	Subtype string `json:"subtype"`
	User    string `json:"user"`
	Item    struct {
		Type string `json:"type"`
	} `json:"item"`
}

// wanted drops, before anything is stored, events that can never lead to
// work: other bots, joins, the bot's own posts, opted-out chat.
func (b *Bot) wanted(ev *eventHead) bool {
	switch ev.Type {
	case "app_mention", "app_home_opened":
		return ev.User != b.botUser
	case "reaction_added":
		return ev.Item.Type == "message"
	case "message":
	default:
		return false
	}
	switch ev.Subtype {
	case "message_changed", "message_deleted":
		// Carry no user of their own; they matter only for a message
		// still waiting for its ticket, which is decided when processed.
		return true
	}
	if ev.User != "" && ev.User == b.botUser {
		return false
	}
	if ev.User == "" && ev.Subtype != "bot_message" {
		// Only an integration's or a workflow form's post comes with no
		// user; whether its team allows bots is decided when processed.
		return false
	}
	return triage.MayAsk(ev.Subtype)
}

func (b *Bot) onEvent(ctx context.Context, d *triage.Delivery) error {
	var env envelope
	if err := json.Unmarshal(d.Body, &env); err != nil {
		return triage.Permanent(fmt.Errorf("decode event: %w", err))
	}
	ev := &env.Event
	if b.heldForChannels(ev) {
		return errHeld
	}
	switch ev.Type {
	case "message":
		return b.onMessage(ctx, d.Key, ev)
	case "app_mention":
		return b.onMention(ctx, d.Key, ev)
	case "reaction_added":
		return b.onReaction(ctx, d.Key, ev)
	case "app_home_opened":
		if ev.Tab != "home" && ev.Tab != "" {
			return nil
		}
		return b.publishHome(ctx, ev.User)
	}
	return nil
}

// onMessage handles a message in a channel the bot is in, or a DM.
func (b *Bot) onMessage(ctx context.Context, key string, ev *event) error {
	switch ev.Subtype {
	case "message_changed":
		return b.onMessageEdited(ctx, key, ev)
	case "message_deleted":
		return b.onMessageGone(ctx, ev.Channel, ev.DeletedTS)
	}
	st := b.svc.Settings()
	ev.words()
	if ev.ChannelType == "im" {
		if ev.BotID != "" || isReply(ev) {
			return nil
		}
		if ok, err := b.asNow(ctx, ev); err != nil || !ok {
			return err
		}
		if ev.words() {
			return b.askWhatFor(ctx, ev)
		}
		return b.intakeMessage(ctx, key, ev, st.Teams[0], triage.SourceDM, "")
	}
	team := st.TeamForChannel(ev.Channel, "")
	if team == nil {
		return nil
	}
	if b.mentionsBot(ev.Text) {
		return nil // a mention arrives as app_mention too, and is handled there
	}
	if isReply(ev) {
		// A reply is conversation about its thread, never a new request;
		// enforce answers team members only, never a bot.
		return b.enforce(ctx, team, ev)
	}
	posted := triage.Posted{User: ev.User, BotID: ev.BotID, Subtype: ev.Subtype, Text: ev.Text}
	if team.NotAsked(posted) != "" {
		return nil // a bot the team does not take, or the team talking in its own channel
	}
	ev.User = posted.Requester()
	if ok, err := b.asNow(ctx, ev); err != nil || !ok {
		return err // deleted before its event was here: nothing to ask about
	}
	if ev.words() {
		return b.askWhatFor(ctx, ev)
	}
	if team.IntakeMode == "auto" {
		return b.intakeMessage(ctx, key, ev, team, triage.SourceChannel, "")
	}
	if b.answersFirst(team, ev) {
		// The requester sees the rule's answer instead of the ticket
		// prompt; its [I still need help] makes the ticket, as [Create
		// ticket] would have.
		return b.intakeMessage(ctx, key, ev, team, triage.SourceChannel, triage.ByRequester)
	}
	return b.prompt(ctx, team, ev)
}

// onMention turns "@sprintguard <text>" into a request at once.
func (b *Bot) onMention(ctx context.Context, key string, ev *event) error {
	st := b.svc.Settings()
	team := st.TeamForChannel(ev.Channel, "")
	if team == nil {
		team = b.teamOf(ev.User)
	}
	if ok, err := b.asNow(ctx, ev); err != nil || !ok {
		return err
	}
	if team.OptsOut(ev.Text) {
		return nil
	}
	ev.Text = strings.TrimSpace(strings.ReplaceAll(ev.Text, "<@"+b.botUser+">", ""))
	if wordless(ev.Text) {
		return b.gw.PostEphemeral(ctx, ev.Channel, ev.User, textOption(render.MentionHelp(b.cfg.Command)), slack.MsgOptionTS(threadOf(ev)))
	}
	return b.intakeMessage(ctx, key, ev, team, triage.SourceMention, "")
}

func isReply(ev *event) bool { return ev.ThreadTS != "" && ev.ThreadTS != ev.TS }

// threadOf returns the thread a message is in, or starts.
func threadOf(ev *event) string {
	if ev.ThreadTS != "" {
		return ev.ThreadTS
	}
	return ev.TS
}

// words brings ev's text to the text the message stands for, as
// triage.MessageText decides for serve and replay alike, and reports
// whether it is files with nothing to name them by. Taken again after an
// edit is read back, it decides on the message as it is now.
func (ev *event) words() (unnamed bool) {
	ev.Text, unnamed = triage.MessageText(ev.Text, ev.Files)
	return unnamed
}

// askWhatFor asks, only its author and in its thread, what a file posted
// with no words and no name is about.
func (b *Bot) askWhatFor(ctx context.Context, ev *event) error {
	return b.gw.PostEphemeral(ctx, ev.Channel, ev.User, textOption(render.AskWhatFor(b.cfg.Command)), slack.MsgOptionTS(threadOf(ev)))
}

func (b *Bot) mentionsBot(text string) bool {
	return b.botUser != "" && strings.Contains(text, "<@"+b.botUser+">")
}

// teamOf returns the first team user belongs to, else the first team: the
// team a request with no intake channel goes to before the rules route it.
func (b *Bot) teamOf(user string) *triage.Team {
	st := b.svc.Settings()
	for _, t := range st.Teams {
		if t.IsMember(user) {
			return t
		}
	}
	return st.Teams[0]
}

// answersFirst reports whether the rules that would decide ev, a message
// in team's prompt-mode channel, carry an answer its requester sees first.
func (b *Bot) answersFirst(team *triage.Team, ev *event) bool {
	summary, details, _ := summarize(ev.Text)
	if summary == "" {
		return false
	}
	c, err := b.svc.Classify(triage.NewRequest{
		Team: team.Name, Source: triage.SourceChannel, Channel: ev.Channel, ChannelName: b.cfg.Channels.Name(ev.Channel),
		TS: ev.TS, User: ev.User, Summary: summary, Details: details, At: b.now(),
	})
	// An error is Intake's to report; the prompt is the safe default.
	return err == nil && c.Offers()
}

// intakeMessage makes a request of a Slack message, requester its author;
// by, when set, is who its ticket is counted to.
func (b *Bot) intakeMessage(ctx context.Context, key string, ev *event, team *triage.Team, src triage.Source, by triage.TicketedBy) error {
	summary, details, links := summarize(ev.Text)
	in := triage.NewRequest{
		Team: team.Name, Source: src, Channel: ev.Channel, TS: ev.TS, ThreadTS: ev.ThreadTS,
		User: ev.User, Summary: summary, Details: details, Links: links, TicketedBy: by, EventKey: key,
		UnlessClaimed: withdrawnKey(ev.Channel, ev.TS),
	}
	if in.Summary == "" {
		return nil // a file or an emoji alone is no request
	}
	return b.intake(ctx, in)
}

// intake records a request; its ticket and every message about it follow
// as outbox jobs.
func (b *Bot) intake(ctx context.Context, in triage.NewRequest) error {
	if in.ChannelName == "" {
		// Rules match a channel written as "#name" by name, as they do in
		// a replay of an export, and Slack's events carry only the id.
		in.ChannelName = b.cfg.Channels.Name(in.Channel)
	}
	fin := finishedOf(ctx)
	if fin != nil {
		in.Delivery = fin.seq
	}
	res, err := b.svc.Intake(ctx, in)
	if errors.Is(err, triage.ErrWithdrawn) {
		return nil // deleted meanwhile; the deletion edits its prompts
	}
	if err != nil {
		return err
	}
	if fin != nil && res.Finished {
		fin.done = true
	}
	if !res.Repeat {
		b.kick()
		if !res.Duplicate {
			b.cfg.OnRequest(res.Request)
		}
		b.log.InfoContext(ctx, "request taken in", "request", res.Request.ID, "team", res.Request.Team,
			"source", in.Source, "urgency", res.Request.Urgency.String(), "duplicate", res.Duplicate)
	}
	return nil
}
