package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sprintguard/sprintguard/triage"
)

// SocketOptions tunes RunSocket. The zero value works; tests replace the
// clock, the wait and the jitter.
type SocketOptions struct {
	// Up, if set, is told whenever the connection comes up or goes down.
	Up func(bool)
	// Reconnect, if set, is called at every connection attempt after the
	// first: after a disconnect, a dropped socket or a failed connect.
	Reconnect func()
	// MinBackoff and MaxBackoff bound the wait between failed connects;
	// they default to one second and two minutes.
	MinBackoff, MaxBackoff time.Duration
	// Now, Sleep and Rand default to time.Now, a timer, and rand.Float64.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	Rand  func() float64
	// Log, if set, takes the connection's log lines instead of the bot's
	// logger.
	Log *slog.Logger
}

func (o *SocketOptions) defaults(log *slog.Logger) {
	if o.Up == nil {
		o.Up = func(bool) {}
	}
	if o.Reconnect == nil {
		o.Reconnect = func() {}
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 2 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Log == nil {
		o.Log = log
	}
}

// RunSocket connects to Slack in Socket Mode with api (which must carry
// the app-level token) and feeds every envelope to Receive until ctx ends.
// slack-go reconnects on `disconnect` and on a dropped socket. Every failed
// connect (refused, or a token Slack rejects) is logged at error level with
// Slack's error code and the time of the next try, which comes after a
// capped exponential backoff with jitter; a wrong token is retried too, so
// that a token fixed at Slack's end needs no restart.
func (b *Bot) RunSocket(ctx context.Context, api *slack.Client, o SocketOptions) error {
	o.defaults(b.log)
	first := true
	attempt := 0
	for ctx.Err() == nil {
		// Counted here rather than from the client's Connecting event: a
		// failed client's events may be dropped once its run has ended.
		if !first {
			o.Reconnect()
		}
		first = false
		client := socketmode.New(api)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- client.RunContext(runCtx) }()
		connected, err := b.serveSocket(runCtx, client, &o, done)
		cancel()
		o.Up(false)
		if ctx.Err() != nil {
			return nil
		}
		if connected {
			attempt = 0
		}
		attempt++
		wait := triage.Backoff(attempt, o.MinBackoff, o.MaxBackoff, o.Rand())
		if limited, ok := errors.AsType[*slack.RateLimitedError](err); ok {
			wait = max(wait, limited.RetryAfter)
		}
		attrs := []any{"attempt", attempt, "retry_in", wait.String(), "retry_at", o.Now().Add(wait), "err", err}
		if resp, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
			attrs = append(attrs, "slack_error", resp.Err)
			if resp.Needed != "" {
				attrs = append(attrs, "needed", resp.Needed, "provided", resp.Provided)
			}
		}
		o.Log.Error("socket mode connect failed", attrs...)
		if o.Sleep(ctx, wait) != nil {
			return nil
		}
	}
	return nil
}

// serveSocket reads the client's events until its run ends or a connect
// fails, and reports whether the connection came up meanwhile. It stops
// slack-go's own retry at the first failed connect, so that RunSocket
// logs it and chooses the wait. Each envelope is received and
// acknowledged on its own goroutine, so a slow store write never holds up
// the envelopes behind it.
func (b *Bot) serveSocket(ctx context.Context, c *socketmode.Client, o *SocketOptions, done <-chan error) (connected bool, err error) {
	connecting := 0
	for {
		select {
		case err := <-done:
			if err == nil {
				err = errors.New("socket mode client stopped")
			}
			return connected, err
		case evt, ok := <-c.Events:
			if !ok {
				return connected, errors.New("socket mode events closed")
			}
			switch evt.Type {
			case socketmode.EventTypeConnecting:
				o.Up(false)
				// The client's first connect was counted by RunSocket;
				// later ones are slack-go's own reconnects.
				if connecting++; connecting > 1 {
					o.Reconnect()
				}
			case socketmode.EventTypeConnectionError:
				if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && e.ErrorObj != nil {
					return connected, e.ErrorObj
				}
				return connected, errors.New("socket mode connection error")
			case socketmode.EventTypeConnected:
				connected = true
				o.Up(true)
			case socketmode.EventTypeDisconnect:
				o.Up(false)
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
