package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// validateView checks a modal submission before it is acknowledged, so
// that mistakes show next to their fields and nothing is stored.
func (b *Bot) validateView(cb *slack.InteractionCallback) map[string]string {
	switch cb.View.CallbackID {
	case render.CallbackRequest:
		_, errs := render.ParseRequestModal(cb.View, b.modalLocation(cb.View))
		return errs
	case render.CallbackResolve:
		_, _, errs := render.ParseResolveModal(cb.View)
		return errs
	}
	return nil
}

// modalLocation is the time zone a request modal's dates are read in: its
// team's.
func (b *Bot) modalLocation(v slack.View) *time.Location {
	var meta render.ModalMeta
	if json.Unmarshal([]byte(v.PrivateMetadata), &meta) == nil {
		if t := b.svc.Settings().Team(meta.Team); t != nil && t.Location != nil {
			return t.Location
		}
	}
	return b.svc.Settings().Teams[0].Location
}

func (b *Bot) onInteraction(ctx context.Context, d *triage.Delivery) error {
	var cb slack.InteractionCallback
	if err := json.Unmarshal(d.Body, &cb); err != nil {
		return triage.Permanent(fmt.Errorf("decode interaction: %w", err))
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			if err := b.onAction(ctx, d.Key, &cb, a); err != nil {
				return err
			}
		}
	case slack.InteractionTypeViewSubmission:
		return b.onSubmit(ctx, d.Key, &cb)
	case slack.InteractionTypeMessageAction:
		if cb.CallbackID == render.ShortcutCreate {
			return b.onShortcut(ctx, &cb)
		}
	}
	return nil
}

func (b *Bot) onAction(ctx context.Context, key string, cb *slack.InteractionCallback, a *slack.BlockAction) error {
	user := cb.User.ID
	switch a.ActionID {
	case render.ActionCreateTicket, render.ActionEmergency:
		return b.onCreateTicket(ctx, key, cb, a)
	case render.ActionOpenRequest:
		meta := render.ModalMeta{Team: b.teamOf(user).Name, Source: string(triage.SourceSlash), Requester: user}
		_, err := b.gw.OpenView(ctx, cb.TriggerID, render.RequestModal(render.Prefill{Meta: meta}))
		return err
	case render.ActionUrgency:
		id, u, err := render.ParseUrgencyOption(a.SelectedOption.Value)
		if err != nil {
			return triage.Permanent(err)
		}
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActUrgency, Urgency: u})
	case render.ActionCategory:
		id, c, err := render.ParseCategoryOption(a.SelectedOption.Value)
		if err != nil {
			return triage.Permanent(err)
		}
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActCategory, Category: c})
	}
	id, err := render.ParseID(a.Value)
	if err != nil {
		return triage.Permanent(err)
	}
	switch a.ActionID {
	case render.ActionAck:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActAcknowledge})
	case render.ActionDefer:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActDeferReq})
	case render.ActionApprove:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActApprove})
	case render.ActionDecline:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActDecline})
	case render.ActionConfirmClaim:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActConfirmClaim})
	case render.ActionKeepClaim:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActKeepClaim})
	case render.ActionResolve:
		return b.openResolve(ctx, cb, id)
	case render.ActionSolved:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActSolved})
	case render.ActionNeedHelp:
		return b.apply(ctx, cb, id, triage.Change{Actor: user, Action: triage.ActNeedHelp})
	}
	return nil
}

// apply performs a button's change; a refusal is explained to the person
// who pressed it, and a second press of the same button changes nothing.
func (b *Bot) apply(ctx context.Context, cb *slack.InteractionCallback, id int64, c triage.Change) error {
	_, changed, err := b.svc.Apply(ctx, id, c)
	if err != nil {
		if code := triage.ErrorCode(err); code == triage.EINTERNAL {
			return err
		}
		return b.explain(ctx, cb, userMessage(err))
	}
	if changed {
		b.kick()
	}
	return nil
}

// explain tells only the person who clicked why nothing happened.
func (b *Bot) explain(ctx context.Context, cb *slack.InteractionCallback, text string) error {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	if channel == "" {
		dm, err := b.gw.OpenDM(ctx, cb.User.ID)
		if err != nil {
			return err
		}
		_, err = b.gw.PostMessage(ctx, dm, textOption(text))
		return err
	}
	return b.gw.PostEphemeral(ctx, channel, cb.User.ID, textOption(text))
}

func (b *Bot) openResolve(ctx context.Context, cb *slack.InteractionCallback, id int64) error {
	r, err := b.request(id)
	if errors.Is(err, triage.ErrNotFound) {
		return b.explain(ctx, cb, "That request no longer exists.")
	} else if err != nil {
		return err
	}
	team := b.svc.Settings().Team(r.Team)
	if team == nil || !team.IsMember(cb.User.ID) {
		return b.explain(ctx, cb, fmt.Sprintf("Only members of team %s can resolve its requests.", r.Team))
	}
	_, err = b.gw.OpenView(ctx, cb.TriggerID, render.ResolveModal(r, team.Budget.Unit))
	return err
}

// onCreateTicket makes the request of a prompted message.
func (b *Bot) onCreateTicket(ctx context.Context, key string, cb *slack.InteractionCallback, a *slack.BlockAction) error {
	var ref render.MessageRef
	if err := json.Unmarshal([]byte(a.Value), &ref); err != nil {
		return triage.Permanent(fmt.Errorf("decode message reference: %w", err))
	}
	p, err := b.promptedMessage(ctx, ref)
	if err != nil || p == nil {
		return err
	}
	if p, err = b.current(ctx, p); err != nil || p == nil {
		return err // deleted before its ticket: its prompts say so
	}
	by := triage.ByRequester
	if cb.User.ID != p.User {
		by = triage.ByMember
	}
	var claimed triage.Urgency
	if a.ActionID == render.ActionEmergency {
		claimed = 1
	}
	b.promptPressed(ctx, cb.Container.ChannelID, cb.Container.MessageTs, cb.User.ID, p)
	return b.ticketPrompted(ctx, *p, by, claimed, key)
}

// promptedMessage returns what was remembered of a prompted message, or
// fetches it from Slack when the memory expired.
func (b *Bot) promptedMessage(ctx context.Context, ref render.MessageRef) (*prompted, error) {
	var p prompted
	var found bool
	err := b.db.View(func(tx triage.Tx) error {
		v, ok, err := tx.Claimed(promptKey(ref.Channel, ref.TS), b.now())
		if err != nil || !ok {
			return err
		}
		found = true
		return json.Unmarshal([]byte(v), &p)
	})
	if err != nil || found {
		return &p, err
	}
	m, err := b.gw.Message(ctx, ref.Channel, ref.TS)
	if errors.Is(err, ErrMessageNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	team := b.svc.Settings().TeamForChannel(ref.Channel, "")
	if team == nil {
		team = b.teamOf(m.User)
	}
	return &prompted{Team: team.Name, Channel: ref.Channel, TS: ref.TS, User: m.User, Text: messageText(m)}, nil
}

// onSubmit takes a submitted modal: a new request, or a resolution.
func (b *Bot) onSubmit(ctx context.Context, key string, cb *slack.InteractionCallback) error {
	switch cb.View.CallbackID {
	case render.CallbackResolve:
		id, spent, errs := render.ParseResolveModal(cb.View)
		if len(errs) > 0 {
			return triage.Permanent(fmt.Errorf("resolve modal: %v", errs))
		}
		return b.apply(ctx, cb, id, triage.Change{Actor: cb.User.ID, Action: triage.ActResolve, Actual: spent, HasActual: true})
	case render.CallbackRequest:
	default:
		return nil
	}
	f, errs := render.ParseRequestModal(cb.View, b.modalLocation(cb.View))
	if len(errs) > 0 {
		return triage.Permanent(fmt.Errorf("request modal: %v", errs))
	}
	requester := f.Meta.Requester
	if requester == "" {
		requester = cb.User.ID
	}
	by := triage.ByRequester
	if requester != cb.User.ID {
		by = triage.ByMember
	}
	src := triage.Source(f.Meta.Source)
	if src == "" {
		src = triage.SourceSlash
	}
	userName := ""
	if requester == cb.User.ID {
		userName = cb.User.Name
	}
	return b.intake(ctx, triage.NewRequest{
		Team: f.Meta.Team, Source: src, Channel: f.Meta.Channel, ChannelName: f.Meta.ChannelName,
		TS: f.Meta.TS, ThreadTS: f.Meta.ThreadTS, User: requester, UserName: userName,
		Summary: f.Summary, Details: f.Details, Type: f.Type, Impact: f.Impact, NeededBy: f.NeededBy,
		Links: f.Links, Claimed: triage.Urgency(f.Meta.Claimed), TicketedBy: by, EventKey: key,
	})
}

// onShortcut opens the request modal filled from the message the
// shortcut was used on; its author is the requester.
func (b *Bot) onShortcut(ctx context.Context, cb *slack.InteractionCallback) error {
	m := cb.Message
	team := b.svc.Settings().TeamForChannel(cb.Channel.ID, cb.Channel.Name)
	if team == nil {
		team = b.teamOf(cb.User.ID)
	}
	summary, details, _ := summarize(m.Text)
	meta := render.ModalMeta{Channel: cb.Channel.ID, ChannelName: cb.Channel.Name, TS: m.Timestamp,
		Team: team.Name, Source: string(triage.SourceShortcut), Requester: m.User}
	if m.ThreadTimestamp != "" && m.ThreadTimestamp != m.Timestamp {
		meta.ThreadTS = m.ThreadTimestamp
	}
	_, err := b.gw.OpenView(ctx, cb.TriggerID, render.RequestModal(render.Prefill{Summary: summary, Details: details, Meta: meta}))
	return err
}
