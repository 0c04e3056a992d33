package jirafake

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// faults is what the test asked to go wrong. It is guarded by s.mu.
type faults struct {
	down        bool
	hang        int
	failN       int
	failStatus  int
	limitN      int
	retryAfter  time.Duration
	rate        float64
	rng         *rand.Rand
	dropCreates int
	slowRate    float64
	slowFor     time.Duration
	slowRng     *rand.Rand
}

// fault is what happens to one request: it hangs, gets reply, or (both
// zero) is served, after slow when that is set.
type fault struct {
	hang  bool
	reply *reply
	slow  time.Duration
}

// takeFault decides the fault for the next request. The caller holds s.mu.
func (s *Server) takeFault() fault {
	f := &s.faults
	switch {
	case f.down:
		return fault{reply: ptr(htmlError(http.StatusServiceUnavailable))}
	case f.hang > 0:
		f.hang--
		return fault{hang: true}
	case f.failN > 0:
		f.failN--
		return fault{reply: ptr(serverError(f.failStatus))}
	case f.limitN > 0:
		f.limitN--
		secs := int(math.Ceil(f.retryAfter.Seconds()))
		rp := jiraError(http.StatusTooManyRequests, "Rate limit exceeded.")
		rp.header = http.Header{"Retry-After": {strconv.Itoa(secs)}, "X-Ratelimit-Reason": {"jira-burst-based"}}
		return fault{reply: &rp}
	}
	// One draw per request while a rate is set, so a seed gives the same
	// failures for the same sequence of requests.
	if f.rate > 0 && f.rng.Float64() < f.rate {
		return fault{reply: ptr(serverError(http.StatusInternalServerError))}
	}
	if f.slowRate > 0 && f.slowRng.Float64() < f.slowRate {
		return fault{slow: f.slowFor}
	}
	return fault{}
}

func ptr(rp reply) *reply { return &rp }

// serverError is a 5xx as Jira Cloud gives them: Jira's JSON from the
// application, an HTML page from the proxy in front of it (502, 503, 504).
func serverError(status int) reply {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return htmlError(status)
	}
	return jiraError(status, "Internal server error")
}

func htmlError(status int) reply {
	page := "<!DOCTYPE html><html><head><title>Atlassian</title></head><body><h1>" +
		strconv.Itoa(status) + " " + http.StatusText(status) +
		"</h1><p>Something went wrong. Try again in a few minutes.</p></body></html>"
	return reply{status: status, raw: []byte(page), ctype: "text/html;charset=UTF-8"}
}

// FailNext makes the next n requests answer status (500, 502, 503...):
// 502, 503 and 504 with an HTML page as from Atlassian's proxy, others
// with a Jira error body.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.failN, s.faults.failStatus = n, status
}

// FailRate makes each request fail with 500 with probability p, drawn
// from a generator seeded with seed, so the same requests fail on every
// run. p 0 turns it off.
func (s *Server) FailRate(p float64, seed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rate = p
	s.faults.rng = rand.New(rand.NewPCG(uint64(seed), uint64(seed)))
}

// SetDown makes every request get 503 (an HTML page) until SetDown(false).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.down = down
}

// RateLimitNext makes the next n requests get 429 with Retry-After set to
// retryAfter in whole seconds, rounded up.
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.limitN, s.faults.retryAfter = n, retryAfter
}

// HangNext makes the next n requests never answer: each is held until the
// client gives up (its request context ends) or the server closes.
func (s *Server) HangNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.hang = n
}

// DropAfterCreate makes the next n successful POST /issue create the
// issue and then close the connection without answering, so the client
// sees an error although the issue exists.
func (s *Server) DropAfterCreate(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.dropCreates = n
}

// SlowRate makes each request, with probability p (drawn from a generator
// seeded with seed, apart from FailRate's), wait d before it is served, as
// from a Jira under load: the request takes effect when the wait is over
// even if the client has given up by then (a create still creates), and
// its answer goes to whoever still listens. p 0 turns it off.
func (s *Server) SlowRate(p float64, d time.Duration, seed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.slowRate, s.faults.slowFor = p, d
	s.faults.slowRng = rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5eed))
}
