// Package jirafake is a fake Jira Cloud for tests: an httptest server that
// keeps projects, users, issues, a workflow, a scrum board and its sprints
// in memory, and answers the REST v2 (and v3) and Agile 1.0 paths a Slack
// bot needs the way Jira Cloud does: same methods, status codes, body
// shapes and error bodies ({"errorMessages":[...],"errors":{...}}), after
// the Jira Cloud OpenAPI spec. It is strict where Jira is (required
// fields, unknown top-level keys, Content-Type, methods, unbounded JQL,
// transitions not available from the current status) so that a client
// that would fail against Jira fails against the fake too. As in Jira,
// /search/jql returns issue ids alone unless fields are asked for, JQL
// dates compare at the minute, results have no promised order without
// ORDER BY (newest first here), and the old /search answers 410 Gone.
//
// Faults (FailNext, FailRate, SetDown, RateLimitNext, HangNext, SlowRate,
// DropAfterCreate) apply to every request, whatever its path, before
// authentication, in the order: down, hang, fail next, rate limit, fail
// rate, slow rate. DropAfterCreate applies only to a POST /issue that
// succeeds.
package jirafake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// The credentials the fake accepts, as HTTP basic auth.
const (
	User  = "bot@acme.com"
	Token = "jira-token"
)

// BotAccountID is the account id of the API user (User).
const BotAccountID = "557058:sprintguard-bot"

// Server is a running fake Jira Cloud site. All its methods are safe for
// concurrent use, also while requests are being served.
type Server struct {
	t    testing.TB
	srv  *httptest.Server
	quit chan struct{}

	mu         sync.Mutex
	now        func() time.Time
	forbidden  bool
	projects   []*project
	issueTypes []issueType
	priorities []priority
	users      []user
	workflow   Workflow
	statusIDs  map[string]string
	boards     []*board
	sprints    []*sprint
	issues     []*issue
	keySeq     map[string]int
	nextID     int
	nextSubID  int
	requests   []Request
	faults     faults
}

// Request is one request the fake received. Status is the status code it
// answered with, 0 when it never answered (HangNext, DropAfterCreate).
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Body     []byte
	Status   int
}

// New starts a fake with the seed data (see seed.go) and closes it when
// the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, quit: make(chan struct{}), now: time.Now}
	s.seed()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(func() {
		// Hung requests wait on quit; Close waits for them.
		close(s.quit)
		s.srv.Close()
	})
	return s
}

// URL returns the site's base URL, without a trailing slash.
func (s *Server) URL() string { return s.srv.URL }

// SetNow sets the clock used for created and updated times and for
// relative dates in JQL. The default is time.Now.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetForbidden takes the API user's permissions away (true) or gives them
// back: every request but GET /myself then gets 403, as for a user who
// lost Browse projects.
func (s *Server) SetForbidden(forbidden bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forbidden = forbidden
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// reply is what a handler answers. Handlers run under s.mu and only build
// the reply; it is written after the lock is released.
type reply struct {
	status int
	body   any    // encoded as JSON unless nil
	raw    []byte // written as is, with contentType
	ctype  string
	header http.Header
	// drop hijacks the connection and closes it instead of answering.
	drop bool
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return
	}
	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: body})
	f := s.takeFault()
	s.mu.Unlock()

	var rp reply
	switch {
	case f.hang:
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		// Returning would send an empty 200; a hung Jira sends nothing.
		hangUp(w)
		return
	case f.reply != nil:
		rp = *f.reply
	default:
		if f.slow > 0 {
			select {
			case <-time.After(f.slow):
			case <-s.quit:
				hangUp(w)
				return
			}
		}
		rp = s.handle(r, body)
	}
	if rp.drop {
		hangUp(w)
		return
	}
	s.mu.Lock()
	s.requests[idx].Status = rp.status
	s.mu.Unlock()
	write(w, rp)
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func write(w http.ResponseWriter, rp reply) {
	for k, vs := range rp.header {
		w.Header()[k] = vs
	}
	data := rp.raw
	ctype := rp.ctype
	if rp.body != nil {
		data, _ = json.Marshal(rp.body)
		ctype = "application/json;charset=UTF-8"
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(rp.status)
	w.Write(data)
}

// handle authenticates, routes and runs the handler.
func (s *Server) handle(r *http.Request, body []byte) reply {
	user, token, ok := r.BasicAuth()
	if !ok || user != User || token != Token {
		rp := jiraError(http.StatusUnauthorized, "Client must be authenticated to access this resource.")
		rp.header = http.Header{"X-Seraph-Loginreason": {"AUTHENTICATED_FAILED"}}
		return rp
	}
	rt, params, allowed := match(r.URL.Path, r.Method)
	if rt == nil {
		if allowed != "" {
			return reply{status: http.StatusMethodNotAllowed, header: http.Header{"Allow": {allowed}}}
		}
		return jiraError(http.StatusNotFound, "null for uri: "+s.srv.URL+r.URL.RequestURI())
	}
	if rt.consumesJSON && !isJSON(r.Header.Get("Content-Type")) {
		return reply{status: http.StatusUnsupportedMediaType}
	}
	c := &call{s: s, r: r, body: body, params: params, v3: rt.v3}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forbidden && !rt.always {
		return jiraError(http.StatusForbidden, "You do not have the permission to perform this operation.")
	}
	return rt.h(c)
}

// call is one routed request; its handler runs under s.mu.
type call struct {
	s      *Server
	r      *http.Request
	body   []byte
	params []string
	v3     bool
}

// apiBase is the REST base of the call's API version, for "self" links.
func (c *call) apiBase() string {
	if c.v3 {
		return c.s.srv.URL + "/rest/api/3"
	}
	return c.s.srv.URL + "/rest/api/2"
}
