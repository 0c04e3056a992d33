// Package people maps the people that other systems name (a schedule's
// e-mail or name) to Slack users: first through the configured `people:`
// list, then through Slack's users.lookupByEmail, cached for a while.
package people

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// Entry is one person of the `people:` list.
type Entry struct {
	Slack string
	Email string
	Name  string
}

// EmailLookup finds a Slack user by e-mail: "" and no error when Slack has
// none. The bot's Gateway implements it with users.lookupByEmail.
type EmailLookup interface {
	UserByEmail(ctx context.Context, email string) (string, error)
}

// Directory maps schedule people to Slack users. Its methods are safe for
// concurrent use.
type Directory struct {
	byEmail map[string]string
	byName  map[string]string
	lookup  EmailLookup
	ttl     time.Duration
	now     func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	user string
	at   time.Time
}

// DefaultTTL is how long a users.lookupByEmail answer is kept.
const DefaultTTL = 24 * time.Hour

// New returns a Directory over entries that asks lookup (which may be nil)
// for the rest and keeps its answers, found or not, for ttl.
func New(entries []Entry, lookup EmailLookup, ttl time.Duration, now func() time.Time) *Directory {
	d := &Directory{byEmail: map[string]string{}, byName: map[string]string{}, lookup: lookup, ttl: ttl, now: now,
		cache: map[string]cached{}}
	for _, e := range entries {
		if e.Email != "" {
			d.byEmail[strings.ToLower(e.Email)] = e.Slack
		}
		if e.Name != "" {
			d.byName[strings.ToLower(e.Name)] = e.Slack
		}
	}
	return d
}

// SlackUser returns p's Slack user id, or "" when nobody matches. The
// `people:` list wins over Slack, the e-mail over the name. An error means
// Slack could not be asked; the caller keeps what it had.
func (d *Directory) SlackUser(ctx context.Context, p oncall.Person) (string, error) {
	email := strings.ToLower(strings.TrimSpace(p.Email))
	if u := d.byEmail[email]; email != "" && u != "" {
		return u, nil
	}
	if u := d.byName[strings.ToLower(strings.TrimSpace(p.Name))]; u != "" {
		return u, nil
	}
	if email == "" || d.lookup == nil {
		return "", nil
	}
	now := d.now()
	d.mu.Lock()
	c, ok := d.cache[email]
	d.mu.Unlock()
	if ok && now.Sub(c.at) < d.ttl {
		return c.user, nil
	}
	user, err := d.lookup.UserByEmail(ctx, email)
	if err != nil {
		return "", fmt.Errorf("look up a Slack user by e-mail: %w", err)
	}
	d.mu.Lock()
	d.cache[email] = cached{user: user, at: now}
	d.mu.Unlock()
	return user, nil
}
