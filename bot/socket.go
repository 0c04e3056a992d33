package bot

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunSocket connects to Slack in Socket Mode with api (which must carry
// the app-level token) and feeds every envelope to Receive until ctx ends.
// slack-go reconnects on `disconnect` and on a dropped socket; when even
// reconnecting fails, RunSocket starts over after a growing pause. up, if
// not nil, is told whenever the connection comes up or goes down.
func (b *Bot) RunSocket(ctx context.Context, api *slack.Client, up func(bool)) error {
	if up == nil {
		up = func(bool) {}
	}
	pause := time.Second
	for ctx.Err() == nil {
		client := socketmode.New(api)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- client.RunContext(runCtx) }()
		err := b.serveSocket(runCtx, client, up, done)
		cancel()
		up(false)
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("socket mode connection lost; reconnecting", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(pause*2, time.Minute)
	}
	return nil
}

// serveSocket reads the client's events until its run ends. Each envelope
// is received and acknowledged on its own goroutine, so a slow store
// write never holds up the envelopes behind it.
func (b *Bot) serveSocket(ctx context.Context, c *socketmode.Client, up func(bool), done <-chan error) error {
	for {
		select {
		case err := <-done:
			if err == nil {
				err = errors.New("socket mode client stopped")
			}
			return err
		case evt, ok := <-c.Events:
			if !ok {
				return errors.New("socket mode events closed")
			}
			switch evt.Type {
			case socketmode.EventTypeConnected:
				up(true)
			case socketmode.EventTypeDisconnect, socketmode.EventTypeConnecting:
				up(false)
			case socketmode.EventTypeEventsAPI:
				go b.ackEnvelope(ctx, c, evt.Request, KindEvent)
			case socketmode.EventTypeSlashCommand:
				go b.ackEnvelope(ctx, c, evt.Request, KindCommand)
			case socketmode.EventTypeInteractive:
				go b.ackEnvelope(ctx, c, evt.Request, KindInteraction)
			}
		}
	}
}

// ackEnvelope stores an envelope and acknowledges it, with the answer as
// the ack's payload. An envelope that could not be stored is not
// acknowledged, so Slack sends it again.
func (b *Bot) ackEnvelope(ctx context.Context, c *socketmode.Client, req *socketmode.Request, kind string) {
	if req == nil {
		return
	}
	start := time.Now()
	defer func() { b.cfg.OnAck(kind, time.Since(start)) }()
	defer func() {
		// A bug in one payload's handling must not take the process down;
		// unacknowledged, Slack sends it again.
		if p := recover(); p != nil {
			b.log.Error("envelope handling panicked", "kind", kind, "envelope", req.EnvelopeID, "panic", p)
		}
	}()
	resp, err := b.Receive(ctx, kind, req.Payload)
	if err != nil {
		b.log.Error("envelope not stored; Slack will retry", "kind", kind, "envelope", req.EnvelopeID, "err", err)
		return
	}
	if resp == nil {
		err = c.AckCtx(ctx, req.EnvelopeID, nil)
	} else {
		err = c.AckCtx(ctx, req.EnvelopeID, resp)
	}
	if err != nil {
		b.log.Warn("ack envelope", "envelope", req.EnvelopeID, "err", err)
	}
}
