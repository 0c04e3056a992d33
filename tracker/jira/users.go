package jira

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/sprintguard/sprintguard/triage"
)

// unmapped marks a cached "this Slack user has no Jira account".
const unmapped = "-"

// assignee maps a Slack user to a Jira account id. A user that cannot be
// mapped gives "" and a note for the thread, not an error: the ticket is
// made unassigned. Lookup failures (Jira or Slack down) are errors.
func (t *Tracker) assignee(ctx context.Context, slackUser string) (account, note string, err error) {
	if slackUser == "" {
		return "", "", nil
	}
	account, err = t.accountFor(ctx, slackUser)
	if errors.Is(err, errUnmappable) {
		return "", fmt.Sprintf("The ticket is unassigned: no Jira account matches <@%s>'s Slack email (%s).", slackUser, err.Error()), nil
	}
	return account, "", err
}

var errUnmappable = errors.New("unmappable")

type unmappableError struct{ why string }

func (e unmappableError) Error() string        { return e.why }
func (e unmappableError) Is(target error) bool { return target == errUnmappable }

// accountFor returns slackUser's Jira account id, through a cache in the
// store.
func (t *Tracker) accountFor(ctx context.Context, slackUser string) (string, error) {
	now := t.opt.Now()
	if v, ok, err := t.cached("jira-account:"+slackUser, now); err != nil || ok {
		if v == unmapped {
			return "", unmappableError{"cached: none found earlier"}
		}
		return v, err
	}
	email, err := t.opt.Users.Email(ctx, slackUser)
	if err != nil {
		return "", fmt.Errorf("email of %s: %w", slackUser, err)
	}
	if email == "" {
		t.remember("jira-account:"+slackUser, unmapped, now, time.Hour)
		return "", unmappableError{"Slack shows no email for them; the bot needs users:read.email"}
	}
	var users []gojira.User
	err = t.call(ctx, "find user", func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "GET", "rest/api/2/user/search?query="+url.QueryEscape(email), nil)
		if err != nil {
			return nil, err
		}
		return t.do(req, &users)
	})
	if err != nil {
		return "", err
	}
	account := pickUser(users, email)
	if account == "" {
		t.remember("jira-account:"+slackUser, unmapped, now, time.Hour)
		return "", unmappableError{"no Jira user has their Slack email"}
	}
	t.remember("jira-account:"+slackUser, account, now, t.opt.MapTTL)
	t.remember("jira-slack:"+account, slackUser, now, t.opt.MapTTL)
	return account, nil
}

// pickUser chooses the user with email, or the only active user found
// (Jira hides emails of users who chose so).
func pickUser(users []gojira.User, email string) string {
	var active []gojira.User
	for _, u := range users {
		if strings.EqualFold(u.EmailAddress, email) {
			return u.AccountID
		}
		if u.Active && (u.AccountType == "" || u.AccountType == "atlassian") {
			active = append(active, u)
		}
	}
	if len(active) == 1 && active[0].EmailAddress == "" {
		return active[0].AccountID
	}
	return ""
}

// slackUserFor maps a Jira account back to a Slack user, or "".
func (t *Tracker) slackUserFor(ctx context.Context, account string) (string, error) {
	now := t.opt.Now()
	if v, ok, err := t.cached("jira-slack:"+account, now); err != nil || ok {
		if v == unmapped {
			return "", nil
		}
		return v, err
	}
	var u gojira.User
	err := t.call(ctx, "get user", func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "GET", "rest/api/2/user?accountId="+url.QueryEscape(account), nil)
		if err != nil {
			return nil, err
		}
		return t.do(req, &u)
	})
	if err != nil {
		return "", err
	}
	slackUser := ""
	if u.EmailAddress != "" {
		if slackUser, err = t.opt.Users.UserByEmail(ctx, u.EmailAddress); err != nil {
			return "", err
		}
	}
	if slackUser == "" {
		t.remember("jira-slack:"+account, unmapped, now, time.Hour)
		return "", nil
	}
	t.remember("jira-slack:"+account, slackUser, now, t.opt.MapTTL)
	return slackUser, nil
}

func (t *Tracker) cached(key string, now time.Time) (string, bool, error) {
	var v string
	var ok bool
	err := t.opt.Store.View(func(tx triage.Tx) error {
		var err error
		v, ok, err = tx.Claimed(key, now)
		return err
	})
	return v, ok, err
}

// remember caches a mapping; losing it costs a lookup, so errors are only
// logged.
func (t *Tracker) remember(key, value string, now time.Time, ttl time.Duration) {
	err := t.opt.Store.Update(func(tx triage.Tx) error {
		_, _, err := tx.Claim(key, value, now, now.Add(ttl))
		return err
	})
	if err != nil {
		t.opt.Log.Warn("cache jira user mapping", "key", key, "err", err)
	}
}
