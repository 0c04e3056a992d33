package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/triage"
)

// How serve looks the config's "#name" channels up.
const (
	// lookupTimeout bounds one lookup at start or reload: past it, serve
	// goes on and the lookup continues in the background.
	lookupTimeout = 30 * time.Second
	// relookEvery is how often the names are looked up again. Serve
	// subscribes to no channel_rename event, and needs none to keep
	// working: a renamed channel keeps its id. Looking again finds a name
	// that now means another channel, and warns of one that no longer
	// means any before a restart refuses it; one conversations.list page
	// an hour is nothing against its Tier 2 limit.
	relookEvery = time.Hour
)

// unknownChannelHint is the fix for a name Slack does not list to the bot.
const unknownChannelHint = "use the channel id, or invite the bot to the channel: /invite @sprintguard; archived channels are not listed"

// errSlackUnreachable marks a lookup that could not ask Slack.
var errSlackUnreachable = errors.New("slack unreachable")

// channelLookup gives serve's settings channel ids for the config's
// "#name" channels, with the bot's channel directory, at start, on every
// reload and every relookEvery.
type channelLookup struct {
	dir *bot.Channels
	log *slog.Logger
	// kick wakes the background lookup after a lookup that failed.
	kick chan struct{}
}

func newChannelLookup(dir *bot.Channels, log *slog.Logger) *channelLookup {
	return &channelLookup{dir: dir, log: log, kick: make(chan struct{}, 1)}
}

// channelNamesOf returns the config's channel names, each once.
func channelNamesOf(cfg *config.Config) []string {
	var out []string
	for _, n := range cfg.ChannelNames {
		if !slices.Contains(out, n.Name) {
			out = append(out, n.Name)
		}
	}
	return out
}

// resolve returns st with the ids of cfg's channel names. A name Slack
// does not list is a config.Error at its line when the bot listens or
// posts there, which the caller refuses, and a warning when only a rule
// matches on it, which leaves that rule matching less (a rule may name a
// channel for replays of an export). When Slack cannot be asked, st gets
// the ids known from earlier lookups and the error wraps
// errSlackUnreachable; a token Slack refuses the call is a plain error.
func (c *channelLookup) resolve(ctx context.Context, cfg *config.Config, st *triage.Settings) (*triage.Settings, error) {
	names := channelNamesOf(cfg)
	if len(names) == 0 {
		return st, nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	ids, err := c.dir.Resolve(ctx, names)
	st = st.WithChannelIDs(ids)
	if err != nil {
		if triage.IsPermanent(err) {
			err = fmt.Errorf("look up the config's channel names: %w (the bot token needs channels:read and groups:read, or write channel ids)", err)
			if onlyRules(cfg) {
				// A rule that cannot match by name is no reason to stop:
				// an app installed without the scopes served before.
				c.log.Warn("rules' channel names not looked up; those rules do not match there", "err", err)
				return st, nil
			}
			return st, err
		}
		return st, fmt.Errorf("%w: look up the config's channel names: %w", errSlackUnreachable, err)
	}
	var errs config.Errors
	for _, n := range cfg.ChannelNames {
		if _, ok := ids[n.Name]; ok {
			continue
		}
		e := config.Error{File: n.File, Line: n.Line, Hint: unknownChannelHint,
			Msg: fmt.Sprintf("`%s` \"#%s\" is not a channel Slack lists to the bot", n.Use, n.Name)}
		if n.Use == config.UseRule {
			c.log.Warn("config problem; the rule does not match there", "problem", e.Error())
			continue
		}
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return st, errs
	}
	c.log.Info("channel names looked up", "names", len(names), "ids", len(ids))
	return st, nil
}

// onlyRules reports whether cfg names channels by name in rules only.
func onlyRules(cfg *config.Config) bool {
	for _, n := range cfg.ChannelNames {
		if n.Use != config.UseRule {
			return false
		}
	}
	return true
}

// follow looks the names up again, forever: soon after a lookup that
// failed (kicked, and with backoff), every relookEvery otherwise. Each
// lookup that succeeds is handed to apply.
func (c *channelLookup) follow(ctx context.Context, apply func(ctx context.Context) error) {
	failed := 0
	for {
		wait := relookEvery
		if failed > 0 {
			wait = triage.Backoff(failed, time.Second, time.Minute, rand.Float64())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		case <-c.kick:
			failed = max(failed, 1)
			continue
		}
		if err := apply(ctx); err != nil && ctx.Err() == nil {
			failed++
			c.log.Warn("channel names not looked up; trying again", "err", err, "attempt", failed)
			continue
		}
		failed = 0
	}
}

// retry has follow try again soon.
func (c *channelLookup) retry() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// useChannels returns st, loaded from cfg, with the ids of cfg's channel
// names, and makes cfg the config that relook looks up again. When Slack
// cannot be asked, the names without a known id wait for the background
// lookup, and the channel events with them. r.mu is held.
func (r *reloader) useChannels(ctx context.Context, cfg *config.Config, st *triage.Settings) (*triage.Settings, error) {
	if r.channels == nil {
		r.cfg, r.named = cfg, st
		return st, nil
	}
	out, err := r.channels.resolve(ctx, cfg, st)
	if errors.Is(err, errSlackUnreachable) {
		known := r.channels.dir.Known()
		for _, n := range channelNamesOf(cfg) {
			if _, ok := known[n]; !ok {
				r.channels.dir.SetPending(true)
			}
		}
		r.log.Warn("the config's channel names are looked up in the background; channel events wait for them",
			"err", err, "waiting", r.channels.dir.Pending())
		r.channels.retry()
		err = nil
	}
	if err != nil {
		return nil, err
	}
	r.cfg, r.named, r.ids = cfg, st, r.channels.dir.Known()
	return out, nil
}

// relook looks the names of the config in use up again and, when their
// ids changed or were waited for, puts the new ids in use. A name Slack
// no longer lists is logged with its line: the running config cannot be
// refused, and the name keeps the id it had.
func (r *reloader) relook(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cfg == nil || len(r.cfg.ChannelNames) == 0 {
		return nil
	}
	st, err := r.channels.resolve(ctx, r.cfg, r.named)
	var ce config.Errors
	if errors.As(err, &ce) {
		for _, e := range ce {
			r.log.Error("config problem", "problem", e.Error())
		}
		err = nil
	}
	if err != nil {
		return err
	}
	ids := r.channels.dir.Known()
	if maps.Equal(ids, r.ids) && !r.channels.dir.Pending() {
		return nil
	}
	r.ids = ids
	carrySchedules(r.svc.Settings(), st)
	r.svc.Reload(st)
	if r.channels.dir.Pending() && r.bot != nil {
		r.bot.ChannelsResolved()
	}
	r.log.Info("channel ids put in use", "ids", len(ids))
	return nil
}

// startChannels looks the config's names up as serve starts, before the
// bot processes anything, and puts the ids in use. A name the bot listens
// or posts at that Slack does not list stops the start: left running,
// the bot would drop every message there without a word.
func (r *reloader) startChannels(ctx context.Context, bt *bot.Bot, lookup *channelLookup) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bot, r.channels = bt, lookup
	st, err := r.useChannels(ctx, r.cfg, r.named)
	if err != nil {
		return err
	}
	carrySchedules(r.svc.Settings(), st)
	r.svc.Reload(st)
	return nil
}
