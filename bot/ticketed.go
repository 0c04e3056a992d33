package bot

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// Once a prompted message has its ticket, however it came, the posts that
// asked for one (the prompt and the needs-a-ticket answer) are edited to
// name it, so that no button is left to press. So are they once it is
// offered a rule's answer instead (edited to a text a rule answers), since
// the answer's [I still need help] is then what makes the ticket.

// ticketedMessage names the message whose prompts are to be edited.
type ticketedMessage struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// buttonsKey is the claim that keeps the ts of a post offering [Create
// ticket] for a message: kind is "prompt" or "needs-ticket".
func buttonsKey(kind, channel, ts string) string { return "buttons:" + kind + ":" + channel + ":" + ts }

// askingPosts are the kinds of post that offer [Create ticket].
var askingPosts = []string{"prompt", "needs-ticket"}

// promptPressed edits the prompt at channel and ts whose [Create ticket]
// user pressed: to say the ticket is on its way, or, when the message
// already has its ticket (a second press), to name it. It runs before the
// request is made, so that "on its way" cannot land after the edit that
// names the ticket.
func (b *Bot) promptPressed(ctx context.Context, channel, ts, user string, p *prompted) {
	if ts == "" {
		return
	}
	r, err := b.requestOf(p.Channel, p.TS)
	var msg render.Message
	switch {
	case err != nil:
		b.log.WarnContext(ctx, "prompt not updated", "err", err)
		return
	case r == nil:
		msg = render.PromptPressed(user)
	case r.Ticket.Key == "":
		return // the edit naming the ticket follows it
	default:
		msg = render.PromptTicketed(r)
	}
	if err := b.gw.UpdateMessage(ctx, channel, ts, msg.Options()...); err != nil {
		b.log.WarnContext(ctx, "prompt not updated", "err", err)
	}
}

// requestOf returns the request made of the message at channel and ts,
// or nil when there is none.
func (b *Bot) requestOf(channel, ts string) (*triage.Request, error) {
	var r *triage.Request
	err := b.db.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.RequestByMessage(channel, ts)
		if errors.Is(err, triage.ErrNotFound) {
			r, err = nil, nil
		}
		return err
	})
	return r, err
}

// queueTicketed queues the edit of the message's posts that asked for a
// ticket, once the message has a ticket (or is offered a rule's answer)
// and such a post is known. Both the ticket's (or answer's) arrival and
// each asking post call it, so whichever comes last queues the edit; the
// job's key makes it once for the answer and once for the ticket.
func queueTicketed(tx triage.Tx, channel, ts string, now time.Time) error {
	if channel == "" || ts == "" {
		return nil
	}
	// The claims first: most messages had no prompt, and their request
	// need not be read.
	if posts, err := postsAsking(tx, channel, ts, now); err != nil || len(posts) == 0 {
		return err
	}
	r, err := tx.RequestByMessage(channel, ts)
	if errors.Is(err, triage.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	key := "ticketed:" + channel + ":" + ts
	if r.Ticket.Key == "" {
		if r.Deflection != triage.DeflectOffered {
			return nil
		}
		key = "answered:" + channel + ":" + ts
	}
	payload, err := json.Marshal(ticketedMessage{Channel: channel, TS: ts})
	if err != nil {
		return err
	}
	return enqueue(tx, &triage.Job{Kind: JobTicketed, Key: key, RequestID: r.ID, Team: r.Team,
		Payload: payload}, now, now)
}

// ticketedJob edits the posts that asked for a ticket for a message, now
// that it has one, to name the ticket and drop their buttons; before the
// ticket, they point to the rule's answer offered instead. Running it
// twice edits them to the same text.
func (b *Bot) ticketedJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	tj, err := decode[ticketedMessage](j)
	if err != nil {
		return nil, err
	}
	var r *triage.Request
	var posts []string
	err = b.db.View(func(tx triage.Tx) error {
		var err error
		if r, err = tx.RequestByMessage(tj.Channel, tj.TS); err != nil {
			return err
		}
		posts, err = postsAsking(tx, tj.Channel, tj.TS, b.now())
		return err
	})
	if errors.Is(err, triage.ErrNotFound) {
		return nil, nil // the request was removed by retention
	} else if err != nil {
		return nil, err
	}
	msg := render.PromptTicketed(r)
	if r.Ticket.Key == "" {
		msg = render.PromptAnswered(r)
	}
	return nil, b.editPrompts(ctx, tj.Channel, posts, msg, "prompt not edited to name its ticket", "request", r.ID)
}

// editPrompts edits the posts in channel that asked for a ticket to msg.
// A post Slack will not edit (deleted, or too old) has nothing to press
// any more: it is logged as warn, with attrs, and the others are edited.
func (b *Bot) editPrompts(ctx context.Context, channel string, posts []string, msg render.Message, warn string, attrs ...any) error {
	for _, ts := range posts {
		err := b.gw.UpdateMessage(ctx, channel, ts, msg.Options()...)
		if triage.IsPermanent(err) {
			b.log.WarnContext(ctx, warn, append(attrs, "channel", channel, "ts", ts, "err", err)...)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// postsAsking returns the ts of the posts known to have asked for a
// ticket for the message at channel and ts.
func postsAsking(tx triage.Tx, channel, ts string, now time.Time) ([]string, error) {
	var posts []string
	for _, kind := range askingPosts {
		post, ok, err := tx.Claimed(buttonsKey(kind, channel, ts), now)
		if err != nil {
			return nil, err
		}
		if ok {
			posts = append(posts, post)
		}
	}
	return posts, nil
}
