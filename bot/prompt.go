package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// Outbox job kinds the bot adds to triage's.
const (
	JobPost     = "slack.post"      // post a rendered message
	JobDeadline = "intake.deadline" // ticket a prompted message nobody ticketed
	JobTicketed = "intake.ticketed" // edit a ticketed message's prompts to name the ticket
)

// prompted is a message in a prompt-mode channel waiting for its ticket.
type prompted struct {
	Team    string `json:"team"`
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	User    string `json:"user"`
	Text    string `json:"text"`
}

// postJob is a message to post; it is rendered when queued.
type postJob struct {
	Channel  string          `json:"channel"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	// Asks, when set, is a claim key (see buttonsKey) that makes the post
	// a request for the ticket of the message at ThreadTS: it is not
	// posted once that message has a request, and its ts is kept under
	// Asks so that it is edited to name the ticket when it comes.
	Asks string `json:"asks,omitempty"`
}

func promptKey(channel, ts string) string { return "prompted:" + channel + ":" + ts }

// prompt answers a new message in a prompt-mode channel with the [Create
// ticket] buttons, and schedules the ticket deadline.
func (b *Bot) prompt(ctx context.Context, team *triage.Team, ev *event) error {
	p := prompted{Team: team.Name, Channel: ev.Channel, TS: ev.TS, User: ev.User, Text: ev.Text}
	val, err := json.Marshal(p)
	if err != nil {
		return err
	}
	now := b.now()
	keep := max(team.TicketDeadline+time.Hour, 7*24*time.Hour)
	msg := render.Prompt(render.MessageRef{Channel: ev.Channel, TS: ev.TS, User: ev.User})
	err = b.db.Update(func(tx triage.Tx) error {
		if ok, err := unrequested(tx, ev.Channel, ev.TS); err != nil || !ok {
			return err
		}
		// The deletion may have come while the message was read back.
		if _, gone, err := tx.Claimed(withdrawnKey(ev.Channel, ev.TS), now); err != nil || gone {
			return err
		}
		if _, fresh, err := tx.Claim(promptKey(ev.Channel, ev.TS), string(val), now, now.Add(keep)); err != nil || !fresh {
			return err
		}
		if err := enqueuePost(tx, "prompt:"+ev.Channel+":"+ev.TS, ev.Channel, ev.TS, msg, now, buttonsKey("prompt", ev.Channel, ev.TS)); err != nil {
			return err
		}
		if team.TicketDeadline <= 0 {
			return nil
		}
		return enqueue(tx, &triage.Job{Kind: JobDeadline, Key: "deadline:" + ev.Channel + ":" + ev.TS,
			Team: team.Name, Payload: val}, now, now.Add(team.TicketDeadline))
	})
	if err != nil {
		return fmt.Errorf("prompt for a ticket: %w", err)
	}
	b.kick()
	return nil
}

// enforce answers once, in the thread, when a team member starts working
// on a prompted message that has no ticket yet.
func (b *Bot) enforce(ctx context.Context, team *triage.Team, ev *event) error {
	if team.IntakeMode != "prompt" || !team.IsMember(ev.User) {
		return nil
	}
	now := b.now()
	msg := render.NeedsTicketFirst(render.MessageRef{Channel: ev.Channel, TS: ev.ThreadTS})
	err := b.db.Update(func(tx triage.Tx) error {
		if ok, err := waiting(tx, ev.Channel, ev.ThreadTS, now); err != nil || !ok {
			return err
		}
		if gone, err := noTicket(tx, ev.Channel, ev.ThreadTS, now); err != nil || gone {
			return err
		}
		key := "needs-ticket:" + ev.Channel + ":" + ev.ThreadTS
		if _, fresh, err := tx.Claim(key, "", now, now.Add(7*24*time.Hour)); err != nil || !fresh {
			return err
		}
		return enqueuePost(tx, key, ev.Channel, ev.ThreadTS, msg, now, buttonsKey("needs-ticket", ev.Channel, ev.ThreadTS))
	})
	if err != nil {
		return fmt.Errorf("ask for a ticket first: %w", err)
	}
	b.kick()
	return nil
}

// ticketPrompted makes the request of a prompted message: from its
// [Create ticket] button (by) or from the deadline.
func (b *Bot) ticketPrompted(ctx context.Context, p prompted, by triage.TicketedBy, claimed triage.Urgency, key string) error {
	summary, details, links := summarize(p.Text)
	if summary == "" {
		summary = "(no text)"
	}
	return b.intake(ctx, triage.NewRequest{
		Team: p.Team, Source: triage.SourceChannel, Channel: p.Channel, TS: p.TS, User: p.User,
		Summary: summary, Details: details, Links: links, Claimed: claimed, TicketedBy: by, EventKey: key,
		UnlessClaimed: withdrawnKey(p.Channel, p.TS),
	})
}

// deadlineJob tickets a prompted message still without a ticket, unless
// the team would not take it in were it posted as it is now: edited to
// opt out, say. Then its prompts lose their buttons and say why, as a
// deleted message's do.
func (b *Bot) deadlineJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	var p prompted
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, triage.Permanent(fmt.Errorf("decode prompted message: %w", err))
	}
	team := b.svc.Settings().Team(p.Team)
	if team == nil {
		return nil, nil // the team was removed from the config
	}
	cur, err := b.current(ctx, &p)
	if err != nil || cur == nil {
		return nil, err // deleted before its ticket: withdrawn
	}
	if why := team.NotAsked(triage.Posted{User: cur.User, Text: cur.Text}); why != "" {
		// A [Create ticket] pressed before the deadline made the request
		// its prompt now names: not taken is said only of a message
		// that has none, checked in the transaction that says it.
		return func(tx triage.Tx) error {
			return withdraw(tx, notTakenKey(p.Channel, p.TS), why, p.Channel, p.TS, b.now())
		}, nil
	}
	return nil, b.ticketPrompted(ctx, *cur, triage.ByDeadline, 0, j.Key)
}

// postJob posts a message rendered when it was queued.
func (b *Bot) postJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	var p postJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, triage.Permanent(fmt.Errorf("decode post: %w", err))
	}
	msg := render.Message{Text: p.Text}
	if len(p.Blocks) > 0 {
		var blocks slack.Blocks
		if err := json.Unmarshal(p.Blocks, &blocks); err != nil {
			return nil, triage.Permanent(fmt.Errorf("decode post blocks: %w", err))
		}
		msg.Blocks = blocks.BlockSet
	}
	if p.Asks != "" {
		// Ticketed, deleted or not taken meanwhile: nothing left to ask.
		var done bool
		err := b.db.View(func(tx triage.Tx) error {
			ok, err := unrequested(tx, p.Channel, p.ThreadTS)
			if err != nil || !ok {
				done = !ok
				return err
			}
			done, err = noTicket(tx, p.Channel, p.ThreadTS, b.now())
			return err
		})
		if err != nil || done {
			return nil, err
		}
	}
	ts, err := b.post(ctx, p.Channel, p.ThreadTS, msg)
	if err != nil || p.Asks == "" {
		return nil, err
	}
	return func(tx triage.Tx) error {
		now := b.now()
		if _, _, err := tx.Claim(p.Asks, ts, now, now.Add(30*24*time.Hour)); err != nil {
			return err
		}
		// The ticket, or the deletion, may have come while the post was
		// on its way.
		if err := queueTicketed(tx, p.Channel, p.ThreadTS, now); err != nil {
			return err
		}
		return queueWithdrawn(tx, p.Channel, p.ThreadTS, now)
	}, nil
}

func enqueuePost(tx triage.Tx, key, channel, thread string, msg render.Message, at time.Time, asks string) error {
	p := postJob{Channel: channel, ThreadTS: thread, Text: msg.Text, Asks: asks}
	if len(msg.Blocks) > 0 {
		blocks, err := json.Marshal(msg.Blocks)
		if err != nil {
			return err
		}
		p.Blocks = blocks
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return enqueue(tx, &triage.Job{Kind: JobPost, Key: key, Payload: payload}, at, at)
}

func enqueue(tx triage.Tx, j *triage.Job, at, due time.Time) error {
	j.CreatedAt, j.NextAt = at, due
	_, err := tx.Enqueue(j)
	return err
}
