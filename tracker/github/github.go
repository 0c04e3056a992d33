// Package github keeps sprintguard's tickets as GitHub issues through
// github.com/google/go-github. It implements triage.Tracker: issues carry
// the request, the urgency and category as labels (made once, with
// colours), the on-call as assignee (through config's people:), and the
// sprint as a milestone or a Projects (v2) iteration. Creation is
// idempotent through a hidden marker in the body. A Syncer polls GitHub
// with conditional requests, and Webhook takes GitHub's events, to bring
// changes made there back.
package github

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

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/tracker/auth"
	"github.com/sprintguard/sprintguard/tracker/issuetext"
	"github.com/sprintguard/sprintguard/tracker/pacer"
	"github.com/sprintguard/sprintguard/triage"
)

// Options configure a Tracker.
type Options struct {
	Token  config.Secret
	APIURL string // REST API root, e.g. https://api.github.com/
	// Repos returns a team's GitHub settings (config.Config.GitHubFor).
	Repos func(team string) config.GitHubRepo
	// Login maps a Slack user to their GitHub login ("" when unknown), and
	// SlackUser maps back.
	Login     func(slackUser string) string
	SlackUser func(login string) string
	// Calendar returns a team's sprint calendar, which names milestones.
	Calendar func(team string) (sprint.Calendar, bool)
	Store    triage.Store
	Now      func() time.Time
	// Sleep waits d or until ctx ends; tests pass one that moves their
	// clock. The default sleeps.
	Sleep func(ctx context.Context, d time.Duration) error
	// CreateEvery spaces calls that create content (issues, labels,
	// comments, milestones): GitHub asks for no more than one a second.
	CreateEvery time.Duration
	// Timeout bounds each call (default 15s).
	Timeout    time.Duration
	Log        *slog.Logger
	HTTPClient *http.Client
	// Observe, if set, is told of every call: its operation, HTTP status
	// (0 when there was no answer), error and duration.
	Observe func(op string, status int, err error, took time.Duration)
}

// Tracker is GitHub Issues behind triage.Tracker. It is safe for
// concurrent use.
type Tracker struct {
	opt    Options
	client *gh.Client

	auth auth.Latch

	gate       *pacer.Gate
	mu         sync.Mutex
	labels     issuetext.Known
	milestones map[string]int // repo + "\x00" + title -> number
	projects   map[string]*projectInfo
}

var _ triage.Tracker = (*Tracker)(nil)

// New returns a Tracker for the GitHub API at opt.APIURL.
func New(opt Options) (*Tracker, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 15 * time.Second
	}
	if opt.CreateEvery <= 0 {
		opt.CreateEvery = time.Second
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
	if opt.APIURL == "" {
		opt.APIURL = "https://api.github.com/"
	}
	if !strings.HasSuffix(opt.APIURL, "/") {
		opt.APIURL += "/"
	}
	hc := &http.Client{}
	if opt.HTTPClient != nil {
		hc = &http.Client{Transport: opt.HTTPClient.Transport}
	}
	opts := []gh.ClientOptionsFunc{gh.WithHTTPClient(hc), gh.WithURLs(&opt.APIURL, &opt.APIURL),
		gh.WithUserAgent("sprintguard"), gh.WithDisableRateLimitCheck()}
	if opt.Token.IsSet() {
		opts = append(opts, gh.WithAuthToken(opt.Token.Reveal()))
	}
	// go-github's own rate-limit bookkeeping reads the wall clock; the
	// tracker keeps its own on opt.Now so that tests can move time.
	client, err := gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("github client for %s: %w", opt.APIURL, err)
	}
	gate := &pacer.Gate{Now: opt.Now, Sleep: opt.Sleep, Every: opt.CreateEvery}
	return &Tracker{opt: opt, client: client, gate: gate,
		milestones: map[string]int{}, projects: map[string]*projectInfo{}}, nil
}

// Ready returns an error while GitHub refuses the token (401): the one
// condition retrying cannot fix and an operator must.
func (t *Tracker) Ready() error {
	return t.auth.Err()
}

// errNotModified is a conditional GET's 304.
var errNotModified = errors.New("not modified")

// call runs one GitHub call under the per-call timeout, after any rate
// limit in force has passed and, for a write, after the pacing of content
// creation; it classifies the failure for the outbox.
func (t *Tracker) call(ctx context.Context, op string, write bool, fn func(ctx context.Context) (*gh.Response, error)) error {
	if d, err := t.gate.Wait(ctx, write); err != nil {
		return err
	} else if d > 0 {
		return triage.RetryAfter(fmt.Errorf("github %s: rate limited for %s more", op, d.Round(time.Second)), d)
	}
	ctx, cancel := context.WithTimeout(ctx, t.opt.Timeout)
	defer cancel()
	start := time.Now()
	resp, err := fn(ctx)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if status == http.StatusNotModified {
		err = errNotModified
	} else {
		err = t.classify(op, resp, err)
	}
	if t.opt.Observe != nil {
		t.opt.Observe(opName(op), status, err, time.Since(start))
	}
	return err
}

// classify turns a go-github result into the outbox's terms. Rate limits
// (primary, secondary, Retry-After) retry when GitHub says and stop every
// call until then; 401 makes the tracker unready; 403 (a token without the
// scope), 404 (no such repository, or one the token cannot see), 410 and
// 422 are permanent, with GitHub's words; the rest (5xx, timeouts, network
// errors) retry with backoff, marked triage.Unanswered when they leave
// open whether GitHub did the call.
func (t *Tracker) classify(op string, resp *gh.Response, err error) error {
	status := 0
	if resp != nil {
		status = resp.StatusCode
		t.notePrimary(resp)
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
	wrapped := fmt.Errorf("github %s: %s", op, message(err))
	var primary *gh.RateLimitError
	var secondary *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &primary):
		return t.limited(wrapped, primary.Rate.Reset.Sub(t.opt.Now()), "primary")
	case errors.As(err, &secondary):
		wait := time.Minute // GitHub: without Retry-After, wait at least a minute
		if secondary.RetryAfter != nil && *secondary.RetryAfter > 0 {
			wait = *secondary.RetryAfter
		}
		return t.limited(wrapped, wait, "secondary")
	case (status == http.StatusTooManyRequests || status == http.StatusForbidden) && retryAfter(resp) > 0:
		return t.limited(wrapped, retryAfter(resp), "Retry-After")
	case status == http.StatusTooManyRequests:
		return t.limited(wrapped, time.Minute, "429")
	case status == http.StatusUnauthorized:
		t.authFailed(status, message(err))
		return fmt.Errorf("%w (HTTP %d)", wrapped, status)
	case status == http.StatusForbidden, status == http.StatusNotFound, status == http.StatusGone, status == http.StatusUnprocessableEntity:
		return triage.Permanent(fmt.Errorf("%w (HTTP %d)", wrapped, status))
	}
	if status != 0 {
		wrapped = fmt.Errorf("%w (HTTP %d)", wrapped, status)
	}
	return triage.Unanswered(wrapped, status)
}

// limited stops calls for wait and returns err to be retried after it.
func (t *Tracker) limited(err error, wait time.Duration, kind string) error {
	if wait < time.Second {
		wait = time.Second
	}
	until := t.opt.Now().Add(wait)
	t.gate.Block(until)
	t.opt.Log.Warn("github rate limit; calls wait", "limit", kind, "until", until)
	return triage.RetryAfter(err, wait)
}

// notePrimary stops calls until the reset when a success used the last
// call of the primary limit, so that the next call is not refused.
func (t *Tracker) notePrimary(resp *gh.Response) {
	if resp.Header.Get(gh.HeaderRateRemaining) != "0" || resp.Rate.Reset.IsZero() {
		return
	}
	t.gate.Block(resp.Rate.Reset.Time)
}

func retryAfter(resp *gh.Response) time.Duration {
	if resp == nil {
		return 0
	}
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 0
}

// message is GitHub's own explanation when it gave one.
func message(err error) string {
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Message == "" {
		return err.Error()
	}
	parts := []string{er.Message}
	for _, e := range er.Errors {
		switch {
		case e.Message != "":
			parts = append(parts, e.Message)
		case e.Code != "":
			parts = append(parts, e.Field+" "+e.Code)
		}
	}
	return strings.Join(parts, "; ")
}

func (t *Tracker) authFailed(status int, msg string) {
	text := fmt.Sprintf("github refuses the token (HTTP %d: %s): check tracker.github.token", status, msg)
	t.auth.Refused(t.opt.Log, text, "github authentication failed; check tracker.github.token", "status", status, "github", msg)
}

func (t *Tracker) authOK() {
	t.auth.Accepted(t.opt.Log, "github accepts the token again")
}

// opName is op without the issue or label it names, for metrics.
func opName(op string) string {
	first, _, _ := strings.Cut(op, " ")
	return first
}

// Key is an issue's ticket key: "owner/name#12".
func Key(repo string, number int) string { return repo + "#" + strconv.Itoa(number) }

// ParseKey splits a ticket key made by Key.
func ParseKey(key string) (owner, name string, number int, err error) {
	repo, num, ok := strings.Cut(key, "#")
	owner, name, ok2 := strings.Cut(repo, "/")
	number, nerr := strconv.Atoi(num)
	if !ok || !ok2 || nerr != nil || owner == "" || name == "" || number <= 0 {
		return "", "", 0, triage.Permanent(fmt.Errorf("github: %q is not an issue key (owner/name#number)", key))
	}
	return owner, name, number, nil
}

func splitRepo(repo string) (owner, name string) {
	owner, name, _ = strings.Cut(repo, "/")
	return owner, name
}
