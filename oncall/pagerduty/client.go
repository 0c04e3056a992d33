// Package pagerduty reads on-call schedules from the PagerDuty REST API v2
// (GET /oncalls, with the users' e-mails) and pages through the Events API
// v2, both with github.com/PagerDuty/go-pagerduty. Answers 429 are waited
// out for as long as their ratelimit-reset header says, within a bound.
package pagerduty

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"
)

// maxWait is the longest a 429 is waited out in place; a longer reset is
// the caller's error, to retry later (the refresher at its next turn, the
// outbox at its next attempt).
const maxWait = 30 * time.Second

// Client builds the go-pagerduty client for the REST API at apiURL and the
// Events API at eventsURL. sleep (nil: a real sleep) waits out a 429.
func Client(token, apiURL, eventsURL string, hc *http.Client, sleep func(context.Context, time.Duration) error) *pd.Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	limited := &http.Client{Timeout: hc.Timeout, Transport: &waitOut{next: transport(hc), sleep: sleep}}
	return pd.NewClient(token, pd.WithAPIEndpoint(apiURL), pd.WithV2EventsAPIEndpoint(eventsURL),
		func(c *pd.Client) { c.HTTPClient = limited })
}

func transport(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitOut retries a request answered 429 after the seconds its
// ratelimit-reset header names, up to twice and maxWait each.
type waitOut struct {
	next  http.RoundTripper
	sleep func(context.Context, time.Duration) error
}

func (w *waitOut) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			r = req.Clone(req.Context())
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		resp, err := w.next.RoundTrip(r)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || attempt == 2 {
			return resp, err
		}
		wait := resetAfter(resp.Header)
		if wait > maxWait || (req.Body != nil && req.GetBody == nil) {
			return resp, nil
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err := w.sleep(req.Context(), wait); err != nil {
			return nil, fmt.Errorf("wait out PagerDuty's rate limit: %w", err)
		}
	}
}

// resetAfter reads ratelimit-reset (seconds until the limit resets); one
// second when it is missing or unreadable.
func resetAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(h.Get("ratelimit-reset"))
	if err != nil || s < 0 {
		return time.Second
	}
	return time.Duration(s) * time.Second
}
