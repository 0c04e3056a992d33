package bot

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// A message may be deleted or edited before it has its request: while it
// waits for its ticket, or even before its own event is here, since Slack
// retries a failed delivery after sending the events that followed it.
// The request is made of the message as it is when the request is made,
// not as it was when it arrived: a deleted message is withdrawn (no
// prompt or ticket, no charge, its prompts edited to say so), and an
// edited one is read back from Slack. Once the message has its request,
// an edit or a deletion changes nothing, as SPEC.md §3 lists
// message_changed and message_deleted among the events intake ignores.

// JobWithdrawn edits the prompts of a message deleted before its ticket,
// or found at the deadline to be one its team does not take in.
const JobWithdrawn = "intake.withdrawn"

func withdrawnKey(channel, ts string) string { return "withdrawn:" + channel + ":" + ts }
func notTakenKey(channel, ts string) string  { return "not-taken:" + channel + ":" + ts }
func editedKey(channel, ts string) string    { return "edited:" + channel + ":" + ts }

// withdrawnMessage is a JobWithdrawn's payload. Why is empty for a
// deleted message, else triage.Team.NotAsked's word for why the message
// is not taken in.
type withdrawnMessage struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	Why     string `json:"why,omitempty"`
}

// onMessageGone withdraws a message deleted before its request, whether
// or not it was prompted yet.
func (b *Bot) onMessageGone(ctx context.Context, channel, ts string) error {
	if channel == "" || ts == "" {
		return nil
	}
	return b.db.Update(func(tx triage.Tx) error {
		return withdraw(tx, withdrawnKey(channel, ts), "", channel, ts, b.now())
	})
}

// withdraw marks the message at channel and ts, when it has no request
// yet, as one that will have none (key, with why), and queues the edit of
// the posts that asked for its ticket. Checking for the request in the
// same transaction keeps a ticket made meanwhile.
func withdraw(tx triage.Tx, key, why, channel, ts string, now time.Time) error {
	if ok, err := unrequested(tx, channel, ts); err != nil || !ok {
		return err
	}
	if _, _, err := tx.Claim(key, why, now, now.Add(30*24*time.Hour)); err != nil {
		return err
	}
	return queueWithdrawn(tx, channel, ts, now)
}

// onMessageEdited notes that a message's text changed before its request,
// so that the request reads the text back from Slack: the events of two
// quick edits, or of an edit and its message, may arrive in either order,
// Slack's copy may not. A prompted message is checked again for a rule's
// answer (see answerEdited).
func (b *Bot) onMessageEdited(ctx context.Context, key string, ev *event) error {
	if ev.Channel == "" || ev.Message.TS == "" || ev.Message.Text == ev.Previous.Text {
		return nil // an unfurl or a thread's reply count, not an edit
	}
	if b.botUser != "" && ev.Message.User == b.botUser {
		// The bot's own posts are edited on every change of their
		// request, and are never a request themselves: no claim each time.
		return nil
	}
	now := b.now()
	var p *prompted
	err := b.db.Update(func(tx triage.Tx) error {
		if ok, err := unrequested(tx, ev.Channel, ev.Message.TS); err != nil || !ok {
			return err
		}
		if _, _, err := tx.Claim(editedKey(ev.Channel, ev.Message.TS), "", now, now.Add(30*24*time.Hour)); err != nil {
			return err
		}
		v, ok, err := tx.Claimed(promptKey(ev.Channel, ev.Message.TS), now)
		if err != nil || !ok {
			return err
		}
		p = new(prompted)
		return json.Unmarshal([]byte(v), p)
	})
	if err != nil || p == nil {
		return err
	}
	return b.answerEdited(ctx, key, p)
}

// answerEdited gives a prompted message, edited before its request, what
// a message first posted with its new text gets (see onMessage): when a
// rule answers that text, its request is made now and offered the answer,
// and its prompts lose their buttons (queueTicketed). Otherwise it waits
// for its ticket as before, which is then made of the new text. A retry
// of the edit's event finds the request made (Intake's repeat), so the
// answer is posted once.
func (b *Bot) answerEdited(ctx context.Context, key string, p *prompted) error {
	team := b.svc.Settings().Team(p.Team)
	if team == nil || team.IntakeMode == "auto" {
		return nil
	}
	cur, err := b.current(ctx, p)
	if err != nil || cur == nil {
		return err // deleted meanwhile: withdrawn
	}
	ev := &event{Channel: cur.Channel, TS: cur.TS, User: cur.User, Text: cur.Text}
	if team.OptsOut(ev.Text) || !b.answersFirst(team, ev) {
		// A fresh message that opts out is not taken in at all; the
		// answer is not the place to say so, and the deadline makes no
		// ticket of it (deadlineJob).
		return nil
	}
	return b.intakeMessage(ctx, key, ev, team, triage.SourceChannel, triage.ByRequester)
}

// waiting reports whether the message at channel and ts was prompted for
// a ticket and has none yet.
func waiting(tx triage.Tx, channel, ts string, now time.Time) (bool, error) {
	if _, ok, err := tx.Claimed(promptKey(channel, ts), now); err != nil || !ok {
		return false, err
	}
	return unrequested(tx, channel, ts)
}

// unrequested reports whether the message at channel and ts has no
// request yet.
func unrequested(tx triage.Tx, channel, ts string) (bool, error) {
	_, err := tx.RequestByMessage(channel, ts)
	if errors.Is(err, triage.ErrNotFound) {
		return true, nil
	}
	return false, err
}

// asNow brings ev, a message about to be prompted or taken in, to the
// message as it is now: its edit or its deletion may have come first.
// It reports false when the message was deleted.
func (b *Bot) asNow(ctx context.Context, ev *event) (bool, error) {
	cur, err := b.current(ctx, &prompted{Channel: ev.Channel, TS: ev.TS, Text: ev.Text})
	if err != nil || cur == nil {
		return false, err
	}
	if cur.Text != ev.Text {
		ev.Text = cur.Text
		ev.words()
	}
	return true, nil
}

// current returns p as the message is now: nil when it was deleted, with
// Slack's text when it was edited, read as intake reads a message (a
// shared file's title when no words are left).
func (b *Bot) current(ctx context.Context, p *prompted) (*prompted, error) {
	var gone, edited bool
	err := b.db.View(func(tx triage.Tx) error {
		now := b.now()
		var err error
		if _, gone, err = tx.Claimed(withdrawnKey(p.Channel, p.TS), now); err != nil || gone {
			return err
		}
		_, edited, err = tx.Claimed(editedKey(p.Channel, p.TS), now)
		return err
	})
	if err != nil || gone {
		return nil, err
	}
	if !edited {
		return p, nil
	}
	m, err := b.gw.Message(ctx, p.Channel, p.TS)
	if errors.Is(err, ErrMessageNotFound) {
		return nil, nil // deleted, and its event not (yet) here
	} else if err != nil {
		return nil, err
	}
	cur := *p
	cur.Text = messageText(m)
	return &cur, nil
}

// queueWithdrawn queues the edit of the asking posts of a message
// withdrawn, or not taken at the deadline, once one is known; like
// queueTicketed, whichever of the deletion (or deadline) and the post
// comes last queues it, and the job's key makes it once.
func queueWithdrawn(tx triage.Tx, channel, ts string, now time.Time) error {
	for _, key := range []string{withdrawnKey(channel, ts), notTakenKey(channel, ts)} {
		why, ok, err := tx.Claimed(key, now)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if posts, err := postsAsking(tx, channel, ts, now); err != nil || len(posts) == 0 {
			return err
		}
		payload, err := json.Marshal(withdrawnMessage{Channel: channel, TS: ts, Why: why})
		if err != nil {
			return err
		}
		if err := enqueue(tx, &triage.Job{Kind: JobWithdrawn, Key: key, Payload: payload}, now, now); err != nil {
			return err
		}
	}
	return nil
}

// withdrawnJob edits the posts that asked for a ticket for a deleted
// message, or one not taken in at the deadline, to say none will be made
// and why, and drops their buttons. Running it twice edits them to the
// same text.
func (b *Bot) withdrawnJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	tj, err := decode[withdrawnMessage](j)
	if err != nil {
		return nil, err
	}
	var posts []string
	err = b.db.View(func(tx triage.Tx) error {
		var err error
		posts, err = postsAsking(tx, tj.Channel, tj.TS, b.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	msg := render.PromptWithdrawn()
	if tj.Why != "" {
		msg = render.PromptNotTaken(tj.Why)
	}
	return nil, b.editPrompts(ctx, tj.Channel, posts, msg, "prompt not edited to say no ticket will be made")
}

// noTicket reports whether the message at channel and ts will have no
// ticket to ask for: deleted before it, or not taken in at its deadline.
func noTicket(tx triage.Tx, channel, ts string, now time.Time) (bool, error) {
	for _, key := range []string{withdrawnKey(channel, ts), notTakenKey(channel, ts)} {
		if _, ok, err := tx.Claimed(key, now); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}
