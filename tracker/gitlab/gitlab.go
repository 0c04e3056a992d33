// Package gitlab keeps sprintguard's tickets as GitLab issues, on
// gitlab.com or a self-managed instance, through
// gitlab.com/gitlab-org/api/client-go. It implements triage.Tracker with
// scoped urgency labels (urgency::P1), the on-call as assignee (through
// config's people:), the sprint as a milestone, and a hidden marker in
// the description for idempotent creation. A Syncer polls GitLab, and its
// Webhook takes GitLab's issue events, to bring changes made there back.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/tracker/auth"
	"github.com/sprintguard/sprintguard/tracker/issuetext"
	"github.com/sprintguard/sprintguard/tracker/pacer"
	"github.com/sprintguard/sprintguard/triage"
)

// Options configure a Tracker.
type Options struct {
	Token config.Secret
	URL   string // the instance, e.g. https://gitlab.com/
	// Projects returns a team's project (config.Config.GitLabFor).
	Projects func(team string) config.GitLabProject
	// Login maps a Slack user to their GitLab username ("" when unknown),
	// and SlackUser maps back.
	Login     func(slackUser string) string
	SlackUser func(username string) string
	// Calendar returns a team's sprint calendar, which names milestones.
	Calendar func(team string) (sprint.Calendar, bool)
	Store    triage.Store
	Now      func() time.Time
	Sleep    func(ctx context.Context, d time.Duration) error
	// CreateEvery spaces calls that create content. GitLab.com allows 200
	// issue creations a minute; the default stays under it.
	CreateEvery time.Duration
	Timeout     time.Duration // per call (default 15s)
	Log         *slog.Logger
	HTTPClient  *http.Client
}

// Tracker is GitLab issues behind triage.Tracker. It is safe for
// concurrent use.
type Tracker struct {
	opt    Options
	client *gl.Client
	gate   *pacer.Gate
	auth   auth.Latch

	mu         sync.Mutex
	labels     issuetext.Known
	milestones map[string]int64 // project + "\x00" + title -> id
	users      map[string]int64 // username -> id
}

var _ triage.Tracker = (*Tracker)(nil)

// unlimited leaves pacing to the Gate: the client's own limiter reads
// the wall clock.
type unlimited struct{}

func (unlimited) Wait(context.Context) error { return nil }

// New returns a Tracker for the GitLab instance at opt.URL.
func New(opt Options) (*Tracker, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 15 * time.Second
	}
	if opt.CreateEvery <= 0 {
		opt.CreateEvery = 300 * time.Millisecond
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Sleep == nil {
		opt.Sleep = pacer.Sleep
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Login == nil {
		opt.Login = func(string) string { return "" }
	}
	if opt.SlackUser == nil {
		opt.SlackUser = func(string) string { return "" }
	}
	if opt.URL == "" {
		opt.URL = "https://gitlab.com/"
	}
	hc := &http.Client{}
	if opt.HTTPClient != nil {
		hc = &http.Client{Transport: opt.HTTPClient.Transport}
	}
	// The outbox retries; the client's own retries would hide outages
	// from it and sleep on the wall clock.
	client, err := gl.NewClient(opt.Token.Reveal(), gl.WithBaseURL(opt.URL), gl.WithHTTPClient(hc), gl.WithoutRetries(),
		gl.WithCustomLimiter(unlimited{}))
	if err != nil {
		return nil, fmt.Errorf("gitlab client for %s: %w", opt.URL, err)
	}
	return &Tracker{opt: opt, client: client, gate: &pacer.Gate{Now: opt.Now, Sleep: opt.Sleep, Every: opt.CreateEvery},
		milestones: map[string]int64{}, users: map[string]int64{}}, nil
}

// Ready returns an error while GitLab refuses the token (401).
func (t *Tracker) Ready() error {
	return t.auth.Err()
}

// call runs one GitLab call under the per-call timeout, after any rate
// limit in force and the pacing of writes, and classifies its failure.
func (t *Tracker) call(ctx context.Context, op string, write bool, fn func(opts ...gl.RequestOptionFunc) (*gl.Response, error)) error {
	if d, err := t.gate.Wait(ctx, write); err != nil {
		return err
	} else if d > 0 {
		return triage.RetryAfter(fmt.Errorf("gitlab %s: rate limited for %s more", op, d.Round(time.Second)), d)
	}
	ctx, cancel := context.WithTimeout(ctx, t.opt.Timeout)
	defer cancel()
	resp, err := fn(gl.WithContext(ctx))
	return t.classify(op, resp, err)
}

// classify turns a client result into the outbox's terms: 429 waits for
// Retry-After (or RateLimit-Reset) and stops every call until then; 401
// makes the tracker unready; 400, 403 (a token without the api scope or
// the role), 404, 409 and 422 are permanent, with GitLab's words; the
// rest retries with backoff, marked triage.Unanswered when it leaves open
// whether GitLab did the call.
func (t *Tracker) classify(op string, resp *gl.Response, err error) error {
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	if err == nil && status < 300 {
		t.auth.Accepted(t.opt.Log, "gitlab accepts the token again")
		return nil
	}
	if err == nil {
		err = fmt.Errorf("status %d", status)
	}
	msg := err.Error()
	var er *gl.ErrorResponse
	if errors.As(err, &er) && er.Message != "" {
		msg = er.Message
	}
	wrapped := fmt.Errorf("gitlab %s: %s", op, msg)
	switch status {
	case http.StatusTooManyRequests:
		wait := time.Minute
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
			wait = time.Duration(n) * time.Second
		} else if r, err := strconv.ParseInt(resp.Header.Get("RateLimit-Reset"), 10, 64); err == nil {
			if d := time.Unix(r, 0).Sub(t.opt.Now()); d > 0 {
				wait = d
			}
		}
		t.gate.Block(t.opt.Now().Add(wait))
		t.opt.Log.Warn("gitlab rate limit; calls wait", "for", wait)
		return triage.RetryAfter(fmt.Errorf("%w (HTTP 429)", wrapped), wait)
	case http.StatusUnauthorized:
		text := fmt.Sprintf("gitlab refuses the token (HTTP 401: %s): check tracker.gitlab.token", msg)
		t.auth.Refused(t.opt.Log, text, "gitlab authentication failed; check tracker.gitlab.token", "gitlab", msg)
		return fmt.Errorf("%w (HTTP 401)", wrapped)
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity:
		return triage.Permanent(fmt.Errorf("%w (HTTP %d)", wrapped, status))
	}
	if status != 0 {
		wrapped = fmt.Errorf("%w (HTTP %d)", wrapped, status)
	}
	return triage.Unanswered(wrapped, status)
}

// Key is an issue's ticket key: "group/name#12".
func Key(project string, iid int64) string { return project + "#" + strconv.FormatInt(iid, 10) }

// ParseKey splits a ticket key made by Key.
func ParseKey(key string) (project string, iid int64, err error) {
	i := strings.LastIndex(key, "#")
	if i > 0 {
		project = key[:i]
		iid, err = strconv.ParseInt(key[i+1:], 10, 64)
	}
	if i <= 0 || err != nil || iid <= 0 || !strings.Contains(project, "/") {
		return "", 0, triage.Permanent(fmt.Errorf("gitlab: %q is not an issue key (group/name#iid)", key))
	}
	return project, iid, nil
}
