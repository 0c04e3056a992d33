package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
)

// Channels is the bot's channel directory: the ids of the channels the
// config names as "#name". Slack's events name channels by id only, and
// its readers (conversations.history and .replies) take no name, so serve
// looks the names up once with conversations.list. It is safe for
// concurrent use.
type Channels struct {
	gw *Gateway

	mu    sync.Mutex
	ids   map[string]string // name, without '#', to id
	names map[string]string // id to name

	// pending is set while names wait for their first lookup (Slack was
	// unreachable): the bot then holds channel events rather than drop
	// one that a name not yet known would have claimed.
	pending atomic.Bool
}

// NewChannels returns an empty directory that asks gw.
func NewChannels(gw *Gateway) *Channels {
	return &Channels{gw: gw, ids: map[string]string{}, names: map[string]string{}}
}

// Resolve looks names (without '#') up with conversations.list and returns
// the id of each it knows, by name. It pages only until every name is
// found. A name Slack no longer lists keeps the id found earlier: a
// renamed channel keeps its id, and the bot keeps serving it until the
// config is fixed. On an error nothing is learnt and the error is
// returned with what was known before.
func (c *Channels) Resolve(ctx context.Context, names []string) (map[string]string, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	found := map[string]string{}
	for cursor := ""; ; {
		chans, next, err := c.gw.ListChannels(ctx, cursor)
		if err != nil {
			return c.Known(), fmt.Errorf("list channels: %w", err)
		}
		for _, ch := range chans {
			if want[ch.Name] {
				found[ch.Name] = ch.ID
			}
		}
		if next == "" || len(found) == len(want) {
			break
		}
		cursor = next
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, id := range found {
		if old, ok := c.ids[name]; ok && old != id {
			delete(c.names, old)
		}
		c.ids[name], c.names[id] = id, name
	}
	return maps.Clone(c.ids), nil
}

// Known returns the ids found so far, by name.
func (c *Channels) Known() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.ids)
}

// Name returns the name, without '#', under which the config knows the
// channel id, or "" when it names it by id or not at all.
func (c *Channels) Name(id string) string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.names[id]
}

// Pending reports whether the config's names still wait for their first
// lookup.
func (c *Channels) Pending() bool { return c != nil && c.pending.Load() }

// SetPending sets what Pending reports.
func (c *Channels) SetPending(p bool) { c.pending.Store(p) }

// errHeld is what processing a channel event returns while the config's
// channel names wait for their first lookup: the delivery stays in the
// inbox, and ChannelsResolved has it processed again.
var errHeld = errors.New("held until the config's channel names are looked up")

// heldForChannels reports whether ev must wait for the channel directory:
// any event in a channel may be in one that a name not yet looked up
// makes an intake channel, or that a rule matches by name. Direct
// messages and the Home tab do not wait.
func (b *Bot) heldForChannels(ev *event) bool {
	if !b.cfg.Channels.Pending() {
		return false
	}
	switch ev.Type {
	case "message":
		return ev.ChannelType != "im"
	case "app_mention", "reaction_added":
		return true
	}
	return false
}

// hold leaves a held delivery in the inbox. Should the names have been
// looked up meanwhile, after ChannelsResolved's sweep read it, it is
// handed to the sweeper again at once.
func (b *Bot) hold(seq uint64) {
	b.release(seq)
	if !b.cfg.Channels.Pending() {
		b.fellBehind(seq)
		return
	}
	b.log.Info("channel event held until the config's channel names are looked up", "delivery", seq)
}

// ChannelsResolved tells the bot that the config's channel names have
// been looked up and the settings in use name their channels by id: the
// channel events held meanwhile are processed now.
func (b *Bot) ChannelsResolved() {
	b.cfg.Channels.SetPending(false)
	b.fellBehind(1)
}
