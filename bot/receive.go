package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// Delivery kinds, one per Slack endpoint.
const (
	KindEvent       = "event"
	KindCommand     = "command"
	KindInteraction = "interaction"
)

// Receive takes one payload from a transport: an Events API callback, a
// slash command as JSON (slack.SlashCommand's shape) or an interaction
// payload. It answers what must be answered at once, stores everything
// with a side effect in the inbox, and returns the acknowledgement's body
// (nil for an empty one). An error means nothing was stored and Slack
// should retry. Receive is safe for concurrent use.
func (b *Bot) Receive(ctx context.Context, kind string, body []byte) (any, error) {
	b.acking()
	defer b.acked()
	switch kind {
	case KindEvent:
		return b.receiveEvent(ctx, body)
	case KindCommand:
		return b.receiveCommand(ctx, body)
	case KindInteraction:
		return b.receiveInteraction(ctx, body)
	}
	return nil, fmt.Errorf("receive: unknown kind %q", kind)
}

func (b *Bot) receiveEvent(ctx context.Context, body []byte) (any, error) {
	var env envelopeHead
	if err := decodeHead(body, &env); err != nil {
		return nil, triage.Permanent(fmt.Errorf("decode event: %w", err))
	}
	switch env.Type {
	case "url_verification":
		return map[string]string{"challenge": env.Challenge}, nil
	case "event_callback":
	default:
		return nil, nil
	}
	if !b.wanted(&env.Event) {
		return nil, nil
	}
	return nil, b.accept(ctx, KindEvent, env.EventID, body)
}

func (b *Bot) receiveCommand(ctx context.Context, body []byte) (any, error) {
	var cmd slack.SlashCommand
	if err := json.Unmarshal(body, &cmd); err != nil {
		return nil, triage.Permanent(fmt.Errorf("decode command: %w", err))
	}
	if resp, done := b.answerCommand(ctx, &cmd); done {
		return resp, nil
	}
	return nil, b.accept(ctx, KindCommand, "command:"+cmd.TriggerID, body)
}

func (b *Bot) receiveInteraction(ctx context.Context, body []byte) (any, error) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, triage.Permanent(fmt.Errorf("decode interaction: %w", err))
	}
	if cb.Type == slack.InteractionTypeViewSubmission {
		if errs := b.validateView(&cb); len(errs) > 0 {
			return slack.NewErrorsViewSubmissionResponse(errs), nil
		}
	}
	if cb.Type == slack.InteractionTypeViewClosed {
		return nil, nil
	}
	return nil, b.accept(ctx, KindInteraction, interactionKey(&cb), body)
}

// interactionKey identifies one click or submission across Slack's
// retries: the trigger and the action's own timestamp.
func interactionKey(cb *slack.InteractionCallback) string {
	key := "interaction:" + cb.TriggerID
	switch {
	case len(cb.ActionCallback.BlockActions) > 0:
		key += ":" + cb.ActionCallback.BlockActions[0].ActionTs
	case cb.Type == slack.InteractionTypeViewSubmission:
		key += ":" + cb.View.ID
	case cb.ActionTs != "":
		key += ":" + cb.ActionTs
	}
	return key
}

// accept stores a delivery and hands it to a processor; a duplicate is
// acknowledged and dropped.
func (b *Bot) accept(ctx context.Context, kind, key string, body []byte) error {
	d := &triage.Delivery{Kind: kind, Key: key, Body: body, Received: b.now()}
	dup, err := b.db.Accept(d, b.cfg.DedupeTTL)
	if err != nil {
		return err
	}
	if dup {
		b.log.Debug("duplicate delivery dropped", "kind", kind, "key", key)
		return nil
	}
	b.dispatch(ctx, d, false)
	return nil
}
