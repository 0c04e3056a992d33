package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// onReaction turns a message into a request when a team member adds the
// team's reaction to it; the requester is the message's author.
func (b *Bot) onReaction(ctx context.Context, key string, ev *event) error {
	st := b.svc.Settings()
	team := st.ReactionTeam(ev.Item.Channel, b.cfg.Channels.Name(ev.Item.Channel), ev.User, ev.Reaction)
	if team == nil {
		return nil
	}
	m, err := b.gw.Message(ctx, ev.Item.Channel, ev.Item.TS)
	if errors.Is(err, ErrMessageNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("fetch the reacted message: %w", err)
	}
	author := m.User
	if author == "" {
		author = ev.ItemUser
	}
	// A shared file with no words is named by its title, as a message
	// posted in an intake channel is; one with no name is no request.
	summary, details, links := summarize(messageText(m))
	if summary == "" {
		return nil
	}
	by := triage.ByMember
	if author == ev.User {
		by = triage.ByRequester
	}
	thread := m.ThreadTimestamp
	if thread == m.Timestamp {
		thread = ""
	}
	return b.intake(ctx, triage.NewRequest{
		Team: team.Name, Source: triage.SourceReaction, Channel: ev.Item.Channel, TS: ev.Item.TS, ThreadTS: thread,
		User: author, Summary: summary, Details: details, Links: links, TicketedBy: by, EventKey: key,
		UnlessClaimed: withdrawnKey(ev.Item.Channel, ev.Item.TS),
	})
}

// messageText is the text m, read back from Slack, stands for as intake
// reads a message (triage.MessageText): its words, else a shared file's
// title or name, else "".
func messageText(m *slack.Message) string {
	var files []triage.File
	for _, f := range m.Files {
		files = append(files, triage.File{Name: f.Name, Title: f.Title})
	}
	text, _ := triage.MessageText(m.Text, files)
	return text
}
