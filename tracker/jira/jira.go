// Package jira keeps sprintguard's tickets in Jira Cloud through
// github.com/andygrunwald/go-jira. It implements triage.Tracker: tickets
// are made idempotently (found again by their sg-<id> label after a crash),
// assigned to the on-call's Jira account, moved into the team's active
// sprint, and moved through the workflow by status category, never by
// hard-coded transition ids. A Syncer polls Jira for changes made there.
package jira

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

	gojira "github.com/andygrunwald/go-jira"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/auth"
	"github.com/sprintguard/sprintguard/triage"
)

// Directory tells the tracker about Slack users. bot.Gateway implements it.
type Directory interface {
	// Email returns the user's email, "" when Slack shows none.
	Email(ctx context.Context, slackUser string) (string, error)
	// UserByEmail returns the Slack user with email, "" when none has it.
	UserByEmail(ctx context.Context, email string) (string, error)
}

// Options configure a Tracker.
type Options struct {
	URL   string
	User  string
	Token config.Secret
	// Projects returns a team's Jira settings (config.Config.JiraFor).
	Projects func(team string) config.JiraProject
	// Timeout bounds each call (default 15s).
	Timeout time.Duration
	// MapTTL is how long a user mapping is cached (default 24h).
	MapTTL time.Duration
	Store  triage.Store
	Users  Directory
	Now    func() time.Time
	Log    *slog.Logger
	// HTTPClient is the transport under the basic auth; nil uses
	// http.DefaultTransport.
	HTTPClient *http.Client
	// Observe, if set, is told of every call: its operation, HTTP status
	// (0 when there was no answer), error and duration.
	Observe func(op string, status int, err error, took time.Duration)
}

// Tracker is Jira behind triage.Tracker. It is safe for concurrent use.
type Tracker struct {
	opt    Options
	client *gojira.Client
	base   string

	auth     auth.Latch
	sprintMu sync.Mutex
	sprints  map[int]cachedSprint
}

type cachedSprint struct {
	id      int
	fetched time.Time
}

var _ triage.Tracker = (*Tracker)(nil)

// New returns a Tracker for the Jira site at opt.URL.
func New(opt Options) (*Tracker, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 15 * time.Second
	}
	if opt.MapTTL <= 0 {
		opt.MapTTL = 24 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	auth := gojira.BasicAuthTransport{Username: opt.User, Password: opt.Token.Reveal()}
	if opt.HTTPClient != nil && opt.HTTPClient.Transport != nil {
		auth.Transport = opt.HTTPClient.Transport
	}
	base := strings.TrimSuffix(opt.URL, "/")
	client, err := gojira.NewClient(auth.Client(), base+"/")
	if err != nil {
		return nil, fmt.Errorf("jira client for %s: %w", base, err)
	}
	return &Tracker{opt: opt, client: client, base: base, sprints: map[int]cachedSprint{}}, nil
}

// Ready returns an error while Jira refuses the credentials (401/403):
// the one condition retrying cannot fix and an operator must.
func (t *Tracker) Ready() error {
	return t.auth.Err()
}

// call runs one Jira call under the per-call timeout and classifies its
// failure for the outbox.
func (t *Tracker) call(ctx context.Context, op string, fn func(ctx context.Context) (*gojira.Response, error)) error {
	ctx, cancel := context.WithTimeout(ctx, t.opt.Timeout)
	defer cancel()
	start := time.Now()
	resp, err := fn(ctx)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	err = t.classify(op, resp, err)
	if t.opt.Observe != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.opt.Observe(opName(op), status, err, time.Since(start))
	}
	return err
}

// do sends a request built with the client, decoding Jira's error body
// as go-jira's own service methods do.
func (t *Tracker) do(req *http.Request, v any) (*gojira.Response, error) {
	resp, err := t.client.Do(req, v)
	if err != nil && resp != nil {
		err = gojira.NewJiraError(resp, err)
	}
	return resp, err
}

// classify turns a go-jira result into the outbox's terms: 400, 404 and
// 410 are permanent (with Jira's own words); 429 retries after
// Retry-After; 401 and 403 make the tracker unready; anything else, 5xx,
// timeouts and network errors included, is retried with backoff, and
// marked triage.Unanswered when it leaves open whether Jira did it.
func (t *Tracker) classify(op string, resp *gojira.Response, err error) error {
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if err == nil && status < 300 {
		if status != 0 {
			t.authOK()
		}
		return nil
	}
	if err == nil {
		err = fmt.Errorf("status %d", status)
	}
	msg := jiraMessage(err)
	wrapped := fmt.Errorf("jira %s: %s", op, msg)
	switch {
	case status == http.StatusBadRequest, status == http.StatusNotFound, status == http.StatusGone:
		return triage.Permanent(fmt.Errorf("%w (HTTP %d)", wrapped, status))
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		t.authFailed(status, msg)
		return fmt.Errorf("%w (HTTP %d)", wrapped, status)
	case status == http.StatusTooManyRequests:
		return triage.RetryAfter(fmt.Errorf("%w (HTTP 429)", wrapped), retryAfter(resp))
	}
	if status != 0 {
		wrapped = fmt.Errorf("%w (HTTP %d)", wrapped, status)
	}
	return triage.Unanswered(wrapped, status)
}

func retryAfter(resp *gojira.Response) time.Duration {
	if resp == nil {
		return 0
	}
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 0
}

// jiraMessage is Jira's own explanation when it gave one.
func jiraMessage(err error) string {
	var je *gojira.Error
	if !errors.As(err, &je) {
		return err.Error()
	}
	parts := append([]string(nil), je.ErrorMessages...)
	for field, m := range je.Errors {
		parts = append(parts, field+": "+m)
	}
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, "; ")
}

func (t *Tracker) authFailed(status int, msg string) {
	text := fmt.Sprintf("jira refuses the credentials (HTTP %d: %s): check tracker.jira.user and the API token, and that the user may browse and edit the project", status, msg)
	t.auth.Refused(t.opt.Log, text, "jira authentication failed; check tracker.jira.user and the API token", "status", status, "jira", msg)
}

func (t *Tracker) authOK() {
	t.auth.Accepted(t.opt.Log, "jira accepts the credentials again")
}

// opName is op without the issue key or label it names, so that metrics
// have few label values: "transition OPS-12 via \"Done\"" is "transition".
func opName(op string) string {
	first, _, _ := strings.Cut(op, " ")
	if first == "get" {
		return op
	}
	return first
}

// url is the browse link of an issue.
func (t *Tracker) url(key string) string { return t.base + "/browse/" + key }
