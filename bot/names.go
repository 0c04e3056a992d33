package bot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Default lifetimes of the display names Names keeps.
const (
	// NameTTL is how long a display name found with users.info is kept:
	// people rename themselves rarely, and a day-old name is fine in a report.
	NameTTL = 24 * time.Hour
	// missTTL is how long a failed lookup is remembered, so that a user
	// Slack does not know (or a rate limit) is not asked about on every report.
	missTTL = 5 * time.Minute
)

// Names finds Slack users' display names with users.info and keeps each
// for TTL. It is safe for concurrent use.
type Names struct {
	gw  *Gateway
	now func() time.Time
	ttl time.Duration

	mu sync.Mutex
	m  map[string]cachedName
}

type cachedName struct {
	name  string // "" when the lookup failed
	until time.Time
}

// NewNames returns a Names that asks gw and keeps names for ttl (NameTTL
// when ttl is not positive). now is the clock; nil means time.Now.
func NewNames(gw *Gateway, ttl time.Duration, now func() time.Time) *Names {
	if ttl <= 0 {
		ttl = NameTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Names{gw: gw, now: now, ttl: ttl, m: map[string]cachedName{}}
}

// Lookup returns the display names of the users it can name, by user id.
// An id it cannot name (unknown to Slack, Slack unreachable, or ctx done)
// is left out, so that callers show the id instead; a lookup that failed
// is not retried for a few minutes.
func (n *Names) Lookup(ctx context.Context, ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if id == "" {
			continue
		}
		n.mu.Lock()
		c, ok := n.m[id]
		n.mu.Unlock()
		if ok && n.now().Before(c.until) {
			if c.name != "" {
				out[id] = c.name
			}
			continue
		}
		if ctx.Err() != nil {
			continue // out of time: the rest show as ids, and are asked next time
		}
		u, err := n.gw.UserInfo(ctx, id)
		if err != nil && ctx.Err() != nil {
			continue
		}
		c = cachedName{until: n.now().Add(missTTL)}
		if err == nil {
			c = cachedName{name: DisplayName(u), until: n.now().Add(n.ttl)}
		} else {
			n.gw.log.WarnContext(ctx, "display name not found; the report shows the user id", "user", id, "err", err)
		}
		n.mu.Lock()
		n.m[id] = c
		n.mu.Unlock()
		if c.name != "" {
			out[id] = c.name
		}
	}
	return out
}

// DisplayName is the name Slack shows for u: the display name set in the
// profile, else the full name, else the username; "" when none is set.
func DisplayName(u *slack.User) string {
	if u == nil {
		return ""
	}
	for _, s := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name} {
		if s != "" {
			return s
		}
	}
	return ""
}
