package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Limiter paces Web API calls before they are made, beside the Retry-After
// that Gateway.Do honours once Slack answered 429. Wait returns when one
// call of method (to channel, "" when the call names none) may go, or an
// error when ctx ends first or the wait would be too long; the error is
// not permanent, so an outbox job that gets it runs again later.
type Limiter interface {
	Wait(ctx context.Context, method, channel string) error
}

// Buckets keeps token buckets that every replica shares.
type Buckets interface {
	// Take reserves one token of the bucket name, which refills at rate
	// per second up to burst, and returns how long to wait before using
	// it; when that wait would pass max it takes nothing and ok is false.
	Take(ctx context.Context, name string, rate float64, burst int, max time.Duration) (wait time.Duration, ok bool, err error)
}

// pace is one bucket's rate per second and burst.
type pace struct {
	rate  float64
	burst int
}

// Slack's published tiers (calls per minute per workspace), with a burst
// of a tenth of a minute's calls.
var (
	tier2 = pace{20.0 / 60, 2}
	tier3 = pace{50.0 / 60, 5}
	tier4 = pace{100.0 / 60, 10}
)

// methodPace is each method's tier. chat.postMessage is "special": a few
// hundred a minute per workspace, and about one a second per channel,
// which postPace adds. A method not listed is paced as tier 3.
var methodPace = map[string]pace{
	"auth.test":               tier4,
	"chat.getPermalink":       tier4,
	"chat.postEphemeral":      tier4,
	"chat.postMessage":        {300.0 / 60, 30},
	"chat.update":             tier3,
	"conversations.history":   tier3,
	"conversations.list":      tier2,
	"conversations.open":      tier3,
	"conversations.replies":   tier3,
	"conversations.setTopic":  tier2,
	"files.upload":            tier2,
	"usergroups.users.update": tier2,
	"users.info":              tier4,
	"users.lookupByEmail":     tier3,
	"views.open":              tier4,
	"views.publish":           tier4,
	"views.update":            tier4,
}

// postPace is chat.postMessage's pace per channel.
var postPace = pace{1, 3}

// TierLimits is a Limiter that keeps the calls of every replica together
// within Slack's published limits: a bucket per method at its tier, and
// one per channel for chat.postMessage, kept in Buckets that the replicas
// share. A single process on bbolt needs none: it has Slack's Retry-After
// alone, as it always had. Wait is safe for concurrent use.
type TierLimits struct {
	Buckets Buckets
	// MaxWait is the longest pace waited out in place; a longer one is an
	// error so that the outbox retries later (default 20s).
	MaxWait time.Duration
	// Sleep waits d or until ctx ends; nil means a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Log, if set, hears of a bucket store that fails; calls then go
	// unpaced, with Slack's Retry-After still honoured.
	Log *slog.Logger
}

var _ Limiter = (*TierLimits)(nil)

// Wait takes a token from the method's bucket and, for a post, from the
// channel's, and waits for the later of the two.
func (l *TierLimits) Wait(ctx context.Context, method, channel string) error {
	limit := l.MaxWait
	if limit <= 0 {
		limit = 20 * time.Second
	}
	p, ok := methodPace[method]
	if !ok {
		p = tier3
	}
	wait, err := l.take(ctx, "slack:"+method, p, limit)
	if err != nil {
		return err
	}
	if method == "chat.postMessage" && channel != "" {
		w, err := l.take(ctx, "slack:"+method+":"+channel, postPace, limit)
		if err != nil {
			return err
		}
		wait = max(wait, w)
	}
	if wait <= 0 {
		return nil
	}
	pause := l.Sleep
	if pause == nil {
		pause = sleep
	}
	return pause(ctx, wait)
}

func (l *TierLimits) take(ctx context.Context, bucket string, p pace, limit time.Duration) (time.Duration, error) {
	wait, ok, err := l.Buckets.Take(ctx, bucket, p.rate, p.burst, limit)
	if err != nil {
		// Pacing is a courtesy to Slack: a store that fails must not stop
		// the bot, and Slack's 429s still hold it back.
		if l.Log != nil {
			l.Log.WarnContext(ctx, "shared rate limit unavailable; calling unpaced", "bucket", bucket, "err", err)
		}
		return 0, nil
	}
	if !ok {
		return 0, fmt.Errorf("%s: shared rate limit: next slot in %v, longer than %v", bucket, wait.Round(time.Millisecond), limit)
	}
	return wait, nil
}
