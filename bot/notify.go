package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// Handlers returns the outbox handlers for the bot's jobs: triage's
// notices, and the bot's own posts and ticket deadlines.
func (b *Bot) Handlers() map[string]triage.Handler {
	return map[string]triage.Handler{
		triage.JobNotify: b.notifyJob,
		JobPost:          b.postJob,
		JobDeadline:      b.deadlineJob,
		JobTicketed:      b.ticketedJob,
		JobWithdrawn:     b.withdrawnJob,
	}
}

// notifyJob tells Slack about one notice. Each message it posts is
// recorded on the request when the job completes, so later changes edit
// it in place.
func (b *Bot) notifyJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	n, err := decodeNotice(j.Payload)
	if err != nil {
		return nil, triage.Permanent(fmt.Errorf("decode notice: %w", err))
	}
	team := b.svc.Settings().Team(n.Team)
	if team == nil {
		return nil, nil // the team was removed from the config; nobody to tell
	}
	if n.RequestID == 0 {
		return nil, b.budgetAlert(ctx, team, n)
	}
	r, err := b.request(n.RequestID)
	if err != nil {
		return nil, fmt.Errorf("notify %s: %w", n.Kind, err)
	}
	var posts []triage.Post
	switch n.Kind {
	case triage.NoticeTicketed:
		posts, err = b.tellRequester(ctx, r, team)
	case triage.NoticeOnCall, triage.NoticeClaim:
		if _, told := r.Post(triage.PostOnCall); told && n.Kind == triage.NoticeOnCall {
			return nil, nil // told earlier: raised to P1 while it waited for business hours
		}
		posts, err = b.tellOnCall(ctx, r, team)
	case triage.NoticeApproval:
		posts, err = b.askApproval(ctx, r, team)
	case triage.NoticeChanged:
		posts, err = b.refresh(ctx, r, team, n)
	case triage.NoticeEstimated:
		err = b.reexplain(ctx, r, team)
	case triage.NoticeAnswer:
		posts, err = b.answer(ctx, r)
	case triage.NoticeDuplicate:
		err = b.inThread(ctx, r, render.Duplicate(r), n.Actor)
	case triage.NoticeEscalated:
		posts, err = b.escalate(ctx, r, team, n.Text)
	case triage.NoticeWarning:
		err = b.inThread(ctx, r, render.Message{Text: ":warning: " + render.Escape(n.Text)}, "")
	case triage.NoticeQueued:
		err = b.inThread(ctx, r, render.Queued(r, n.Text), "")
	case triage.NoticeFallback:
		// The team channel: the whole team should know its tracker
		// refuses tickets (a missing repository, a token's scope).
		_, err = b.post(ctx, team.Channel, "", render.Fallback(r, n.Text))
	case triage.NoticeBudget:
		err = b.toLeads(ctx, team, overBudget(r, team))
	default:
		return nil, triage.Permanent(fmt.Errorf("notify: unknown notice %q", n.Kind))
	}
	if err != nil {
		return nil, fmt.Errorf("notify %s of request %d: %w", n.Kind, r.ID, err)
	}
	if n.Kind == triage.NoticeTicketed || n.Kind == triage.NoticeAnswer {
		// The prompts that asked for this ticket can now name it, or
		// point to the answer that came instead.
		record := recordPosts(r.ID, posts)
		return func(tx triage.Tx) error {
			if err := record(tx); err != nil {
				return err
			}
			return queueTicketed(tx, r.Channel, r.TS, b.now())
		}, nil
	}
	if len(posts) == 0 {
		return nil, nil
	}
	return recordPosts(r.ID, posts), nil
}

// recordPosts keeps posts beside request id, without rewriting it.
func recordPosts(id int64, posts []triage.Post) func(triage.Tx) error {
	return func(tx triage.Tx) error { return tx.AddPosts(id, posts...) }
}

func (b *Bot) request(id int64) (*triage.Request, error) {
	var r *triage.Request
	err := b.db.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.Request(id)
		return err
	})
	return r, err
}

// tellRequester answers the request with its ticket, urgency, owner and
// next step: in its thread, as a new post in its channel when it came from
// a modal, or by DM when it has no channel.
func (b *Bot) tellRequester(ctx context.Context, r *triage.Request, team *triage.Team) ([]triage.Post, error) {
	msg := render.RequesterReply(r, team)
	channel, thread := r.Thread()
	if channel == "" {
		dm, err := b.gw.OpenDM(ctx, r.User)
		if err != nil {
			return nil, err
		}
		ts, err := b.post(ctx, dm, "", msg)
		return []triage.Post{{Kind: triage.PostReply, Channel: dm, TS: ts}}, err
	}
	ts, err := b.post(ctx, channel, thread, msg)
	if err != nil {
		return nil, err
	}
	if thread == "" {
		return []triage.Post{{Kind: triage.PostRoot, Channel: channel, TS: ts}, {Kind: triage.PostReply, Channel: channel, TS: ts}}, nil
	}
	return []triage.Post{{Kind: triage.PostReply, Channel: channel, TS: ts}}, nil
}

// tellOnCall DMs the on-call the request with its buttons and, for a P1
// or a pending emergency claim, mentions them in the team channel too.
func (b *Bot) tellOnCall(ctx context.Context, r *triage.Request, team *triage.Team) ([]triage.Post, error) {
	msg := render.OnCall(r, team)
	var posts []triage.Post
	if r.Assignee != "" {
		dm, err := b.gw.OpenDM(ctx, r.Assignee)
		if err != nil {
			return nil, err
		}
		ts, err := b.post(ctx, dm, "", msg)
		if err != nil {
			return nil, err
		}
		posts = append(posts, triage.Post{Kind: triage.PostOnCall, Channel: dm, TS: ts})
	}
	if (r.Urgency == 1 || r.ClaimOpen() || r.Assignee == "") && team.Channel != "" {
		ts, err := b.post(ctx, team.Channel, "", paged(r, msg))
		if err != nil {
			return posts, err
		}
		posts = append(posts, triage.Post{Kind: triage.PostChannel, Channel: team.Channel, TS: ts})
	}
	return posts, nil
}

// paged puts the on-call's mention (or the team's, with nobody on call)
// on top of msg for the team channel.
func paged(r *triage.Request, msg render.Message) render.Message {
	who := "<!here> nobody is on call for this team:"
	if r.Assignee != "" {
		who = "<@" + r.Assignee + "> you are paged:"
	}
	head := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, who, false, false), nil, nil)
	return render.Message{Text: who + " " + msg.Text, Blocks: append([]slack.Block{head}, msg.Blocks...)}
}

// askApproval DMs each lead the request with [Approve into sprint] [Defer].
func (b *Bot) askApproval(ctx context.Context, r *triage.Request, team *triage.Team) ([]triage.Post, error) {
	return b.dmEach(ctx, team.Leads, triage.PostApproval, render.Approval(r, team))
}

// dmEach DMs msg to each of users and returns the posts, of kind, that it
// made before any error.
func (b *Bot) dmEach(ctx context.Context, users []string, kind string, msg render.Message) ([]triage.Post, error) {
	var posts []triage.Post
	for _, u := range users {
		dm, err := b.gw.OpenDM(ctx, u)
		if err != nil {
			return posts, err
		}
		ts, err := b.post(ctx, dm, "", msg)
		if err != nil {
			return posts, err
		}
		posts = append(posts, triage.Post{Kind: kind, Channel: dm, TS: ts})
	}
	return posts, nil
}

// refresh edits every message with buttons to the request's new state,
// says what changed in the thread, and brings in the on-call when an
// approval let the request into the sprint.
func (b *Bot) refresh(ctx context.Context, r *triage.Request, team *triage.Team, n triage.Notice) ([]triage.Post, error) {
	// A decline ends the request for its requester: their reply's next
	// step says who declined it, and the thread line mentions them.
	declined := n.Text == triage.ActDecline
	if err := b.editPosts(ctx, r, team, declined); err != nil {
		return nil, err
	}
	mention := ""
	if declined {
		mention = r.User
	}
	msg := render.ChangedIn(r, team, n.Text, n.Actor)
	if n.Text == triage.ActResolve && corrects(r, n.At) {
		msg = render.TimeCorrected(r, team, n.Actor)
	}
	if err := b.inThread(ctx, r, msg, mention); err != nil {
		return nil, err
	}
	// An approval, or a raise to P1, queued the on-call's message in triage,
	// due when the request is to be handled.
	switch n.Text {
	case triage.ActReassign:
		// The new assignee gets the buttons; the old messages stay, edited.
		if r.Assignee != "" && !r.Status.Closed() {
			return b.tellOnCall(ctx, r, team)
		}
	}
	return nil, nil
}

// corrects reports whether the resolve of r recorded at at corrects an
// earlier one: triage takes a resolve of a resolved request as a
// correction of its time spent, and its notice carries only the action,
// so the request's events say which it was.
func corrects(r *triage.Request, at time.Time) bool {
	i := slices.IndexFunc(r.Events, func(e triage.Event) bool { return e.Kind == triage.ActResolve && e.At.Equal(at) })
	for i--; i >= 0; i-- {
		switch r.Events[i].Kind {
		case triage.ActResolve:
			return true
		case triage.ActReopen:
			return false
		}
	}
	return false
}

// reexplain edits every message that explains r, the requester's reply
// too, to the estimate learned after they were posted. Nothing new is
// posted: the estimate is a detail, not news. Editing twice is harmless.
func (b *Bot) reexplain(ctx context.Context, r *triage.Request, team *triage.Team) error {
	return b.editPosts(ctx, r, team, true)
}

// editPosts edits every message with buttons about r to its present
// state, and with reply the requester's reply as well. A message Slack
// will not edit any more (deleted, too old) is logged and left.
func (b *Bot) editPosts(ctx context.Context, r *triage.Request, team *triage.Team, reply bool) error {
	for _, p := range r.Posts {
		var msg render.Message
		switch p.Kind {
		case triage.PostReply, triage.PostRoot:
			// A modal's request has no message of its own: the reply is
			// its root, recorded once, as PostRoot.
			if !reply {
				continue
			}
			msg = render.RequesterReply(r, team)
		case triage.PostOnCall:
			msg = render.OnCall(r, team)
		case triage.PostChannel:
			msg = paged(r, render.OnCall(r, team))
		case triage.PostApproval:
			msg = render.Approval(r, team)
		case triage.PostEscalation:
			msg = render.Escalation(r, team, render.EscalationLine(r, team.Name, b.escalationTargets(team.EscalateTo)))
		default:
			continue
		}
		if err := b.gw.UpdateMessage(ctx, p.Channel, p.TS, msg.Options()...); err != nil && !triage.IsPermanent(err) {
			return err
		} else if err != nil {
			b.log.WarnContext(ctx, "message about the request could not be edited", "request", r.ID, "channel", p.Channel, "err", err)
		}
	}
	return nil
}

// answer shows the requester the rule's answer with its two buttons the
// first time, and edits that message to what they chose after a click.
func (b *Bot) answer(ctx context.Context, r *triage.Request) ([]triage.Post, error) {
	msg := render.Answer(r)
	if p, ok := r.Post(triage.PostAnswer); ok {
		msg.Text = "<@" + r.User + "> " + msg.Text
		err := b.gw.UpdateMessage(ctx, p.Channel, p.TS, msg.Options()...)
		if triage.IsPermanent(err) {
			// Deleted, or too old to edit: the buttons there do nothing twice.
			b.log.WarnContext(ctx, "the answer's message could not be edited", "request", r.ID, "channel", p.Channel, "err", err)
			return nil, nil
		}
		return nil, err
	}
	p, err := b.inThreadAt(ctx, r, msg, r.User)
	if err != nil {
		return nil, err
	}
	p.Kind = triage.PostAnswer
	return []triage.Post{p}, nil
}

// inThread posts msg in the request's thread, or DMs the requester when
// the request has no channel. mention, if set, is put in front.
func (b *Bot) inThread(ctx context.Context, r *triage.Request, msg render.Message, mention string) error {
	_, err := b.inThreadAt(ctx, r, msg, mention)
	return err
}

// inThreadAt is inThread, and returns where the message went.
func (b *Bot) inThreadAt(ctx context.Context, r *triage.Request, msg render.Message, mention string) (triage.Post, error) {
	if mention != "" {
		msg.Text = "<@" + mention + "> " + msg.Text
	}
	channel, thread := r.Thread()
	if channel == "" {
		if p, ok := r.Post(triage.PostReply); ok {
			channel, thread = p.Channel, p.TS
		} else {
			dm, err := b.gw.OpenDM(ctx, r.User)
			if err != nil {
				return triage.Post{}, err
			}
			channel = dm
		}
	}
	ts, err := b.post(ctx, channel, thread, msg)
	return triage.Post{Channel: channel, TS: ts}, err
}

func (b *Bot) toLeads(ctx context.Context, team *triage.Team, msg render.Message) error {
	for _, lead := range team.Leads {
		dm, err := b.gw.OpenDM(ctx, lead)
		if err != nil {
			return err
		}
		if _, err := b.post(ctx, dm, "", msg); err != nil {
			return err
		}
	}
	return nil
}

// overBudget tells the leads a P1 was taken although the budget is spent.
func overBudget(r *triage.Request, team *triage.Team) render.Message {
	head := fmt.Sprintf("The interrupt budget of %s is spent, but this %s was accepted anyway:", team.Name, r.Urgency)
	msg := render.OnCall(r, team)
	block := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, head, false, false), nil, nil)
	return render.Message{Text: head + " " + msg.Text, Blocks: append([]slack.Block{block}, msg.Blocks...)}
}

func (b *Bot) ledger(team *triage.Team, n int) (*sprint.Ledger, error) {
	var led *sprint.Ledger
	err := b.db.View(func(tx triage.Tx) error {
		var err error
		led, err = triage.LedgerOf(tx, team, n)
		return err
	})
	return led, err
}

// budgetAlert posts a threshold crossing with the requests that used the
// budget.
func (b *Bot) budgetAlert(ctx context.Context, team *triage.Team, n triage.Notice) error {
	if n.Kind != triage.NoticeBudget || team.Channel == "" {
		return nil
	}
	var top []*triage.Request
	led, err := b.ledger(team, n.Sprint)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(led.Crossed, func(th float64) bool { return th > n.Threshold }) {
		// A higher threshold was crossed too, by the same charge or a
		// later one: its alert says the same usage and more, and two
		// alerts could be posted in either order.
		return nil
	}
	err = b.db.View(func(tx triage.Tx) error {
		for _, c := range led.Top(10) {
			id, err := strconv.ParseInt(c.ID, 10, 64)
			if err != nil {
				continue
			}
			r, err := tx.Request(id)
			if errors.Is(err, triage.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			top = append(top, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = b.post(ctx, team.Channel, "", render.BudgetAlert(team, led, n.Threshold, top))
	return err
}

// post sends msg to channel, in thread when thread is set; inside an
// outbox job, once however often the job runs.
func (b *Bot) post(ctx context.Context, channel, thread string, msg render.Message) (string, error) {
	return b.gw.Post(ctx, channel, thread, msg.Options()...)
}
