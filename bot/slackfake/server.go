package slackfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"
)

// The identity the fake answers for: auth.test, bots.info and the author of
// every message the bot posts.
const (
	TeamID    = "T123"
	TeamName  = "Fake Team"
	TeamURL   = "https://fake.slack.com/"
	BotUserID = "UBOT"
	BotID     = "BBOT"
	BotName   = "sprintguard"
	AppID     = "A123"
)

// Call is one Web API request as the fake received it, with its outcome.
type Call struct {
	Method string
	// Form holds the query and form-encoded parameters, token included.
	Form url.Values
	// JSON holds the body of the methods posted as JSON (views.*).
	JSON json.RawMessage
	At   time.Time
	// Status is the HTTP status answered: 200, 429 when rate limited, or
	// the status FailHTTP set.
	Status int
	// OK is the "ok" field answered; Error is the "error" field when not OK.
	OK    bool
	Error string
}

// Server is a started fake Slack. It is safe for concurrent use.
type Server struct {
	t    testing.TB
	st   *slacktest.Server
	base string

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change waiters care about
	calls   []Call
	limits  map[string]*rateLimit
	fails   map[string]*failure
	outages map[string]*failure
	after   map[string]*afterFault
	closing chan struct{} // closed when the test ends, to free held answers
	seq     int
	lastTS  int64
	// rejected and scopes are what RejectToken and GrantScopes set, by token.
	rejected map[string]string
	scopes   map[string][]string

	users    map[string]slack.User
	channels map[string]*channel
	dms      map[string]string
	views    map[string]*view
	external map[string]string
	home     map[string]string
	triggers map[string]bool
	groups   map[string]*slack.UserGroup
	uploads  map[string]*upload
	files    []File

	conns  []*wsConn
	opened int
	acks   map[string]json.RawMessage
}

type rateLimit struct {
	times      int
	retryAfter time.Duration
}

type failure struct {
	times  int
	err    string
	status int
}

// New starts a fake Slack and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:        t,
		changed:  make(chan struct{}),
		limits:   map[string]*rateLimit{},
		fails:    map[string]*failure{},
		outages:  map[string]*failure{},
		after:    map[string]*afterFault{},
		closing:  make(chan struct{}),
		rejected: map[string]string{},
		scopes:   map[string][]string{},
		users:    map[string]slack.User{},
		channels: map[string]*channel{},
		dms:      map[string]string{},
		views:    map[string]*view{},
		external: map[string]string{},
		home:     map[string]string{},
		triggers: map[string]bool{},
		groups:   map[string]*slack.UserGroup{},
		uploads:  map[string]*upload{},
		acks:     map[string]json.RawMessage{},
	}
	// Handlers bound here are registered before slacktest's own, so ours
	// win where both serve a method.
	s.st = slacktest.NewTestServer(s.bind)
	s.st.Start()
	s.base = s.st.GetAPIURL()
	t.Cleanup(s.close)
	return s
}

// APIURL returns the base URL of the Web API, ending in "/", for
// slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.base }

func (s *Server) close() {
	close(s.closing)
	s.closeSockets()
	s.st.Stop()
}

func (s *Server) bind(c slacktest.Customize) {
	methods := map[string]handler{
		"chat.postMessage":             s.postMessage,
		"chat.update":                  s.updateMessage,
		"chat.postEphemeral":           s.postEphemeral,
		"chat.getPermalink":            s.permalink,
		"views.open":                   s.openView,
		"views.push":                   s.pushView,
		"views.update":                 s.updateView,
		"views.publish":                s.publishView,
		"conversations.history":        s.history,
		"conversations.replies":        s.replies,
		"conversations.open":           s.openConversation,
		"conversations.setTopic":       s.setTopic,
		"conversations.info":           s.conversationInfo,
		"conversations.list":           s.listConversations,
		"usergroups.list":              s.listGroups,
		"usergroups.users.list":        s.groupMembers,
		"usergroups.users.update":      s.updateGroupMembers,
		"users.info":                   s.userInfo,
		"users.lookupByEmail":          s.lookupByEmail,
		"auth.test":                    s.authTest,
		"bots.info":                    s.botInfo,
		"files.getUploadURLExternal":   s.uploadURL,
		"files.completeUploadExternal": s.completeUpload,
		"apps.connections.open":        s.openConnection,
	}
	for name, h := range methods {
		c.Handle("/"+name, s.serve(name, h))
	}
	c.Handle(uploadPath, s.receiveUpload)
	c.Handle(socketPath, s.serveSocket)
	c.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		s.serve(strings.TrimPrefix(r.URL.Path, "/"), s.unknownMethod)(w, r)
	})
}

// handler answers one Web API method with the fields of a successful
// response (ok is added) or an error. It runs with s.mu held.
type handler func(r *request) (obj, error)

type obj = map[string]any

// apiError is an "ok": false answer; messages go to response_metadata as
// Slack does for invalid_blocks and invalid_arguments.
type apiError struct {
	code     string
	messages []string
	extra    obj // more top-level fields, such as missing_scope's needed and provided
}

func (e *apiError) Error() string { return e.code }

func fail(code string, messages ...string) error { return &apiError{code: code, messages: messages} }

func (s *Server) unknownMethod(*request) (obj, error) { return nil, fail("unknown_method") }

func (s *Server) serve(name string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, hr *http.Request) {
		r, err := parseRequest(hr)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		status, header, body := s.answerLocked(name, r, h)
		fault := s.afterLocked(name, status)
		s.mu.Unlock()
		if fault != nil && !fault.answer(w, hr, s.closing) {
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func (s *Server) answerLocked(name string, r *request, h handler) (status int, header map[string]string, body []byte) {
	call := Call{Method: name, Form: r.form, JSON: r.json, At: time.Now(), Status: http.StatusOK}
	defer func() {
		s.calls = append(s.calls, call)
		s.notifyLocked()
	}()
	if l := s.limits[name]; l != nil && l.times > 0 {
		l.times--
		call.Status, call.Error = http.StatusTooManyRequests, "ratelimited"
		secs := int((l.retryAfter + time.Second - 1) / time.Second)
		return call.Status, map[string]string{"Retry-After": strconv.Itoa(secs)}, mustJSON(obj{"ok": false, "error": "ratelimited"})
	}
	if f := s.outages[name]; f != nil && f.times > 0 {
		f.times--
		call.Status, call.Error = f.status, http.StatusText(f.status)
		// Slack's front end answers server errors with an HTML page.
		return call.Status, map[string]string{"Content-Type": "text/html; charset=utf-8"},
			[]byte("<html><body><h1>" + http.StatusText(f.status) + "</h1></body></html>")
	}
	var resp obj
	err := s.checkToken(name, r)
	if f := s.fails[name]; err == nil && f != nil && f.times > 0 {
		f.times--
		err = fail(f.err)
	}
	if err == nil {
		resp, err = h(r)
	}
	if err != nil {
		e, ok := err.(*apiError)
		if !ok {
			e = &apiError{code: "internal_error", messages: []string{err.Error()}}
		}
		call.Error = e.code
		resp = obj{"ok": false, "error": e.code}
		if len(e.messages) > 0 {
			resp["response_metadata"] = obj{"messages": e.messages}
		}
		for k, v := range e.extra {
			resp[k] = v
		}
		return call.Status, nil, mustJSON(resp)
	}
	if resp == nil {
		resp = obj{}
	}
	resp["ok"] = true
	call.OK = true
	return call.Status, nil, mustJSON(resp)
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits until cond, called with s.mu held, is true, and reports
// whether it became true before the timeout.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// Calls returns the calls of a method in arrival order, whatever their
// outcome; method "" returns every call.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

// OKCalls returns the calls of a method that were answered "ok": true.
func (s *Server) OKCalls(method string) []Call {
	var ok []Call
	for _, c := range s.Calls(method) {
		if c.OK {
			ok = append(ok, c)
		}
	}
	return ok
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls of a method (any outcome, as
// Calls counts them) have arrived and returns them all; it fails the test
// if they have not within the timeout.
func (s *Server) WaitCalls(t testing.TB, method string, n int, timeout time.Duration) []Call {
	t.Helper()
	var got []Call
	if !s.waitFor(timeout, func() bool {
		got = s.callsLocked(method)
		return len(got) >= n
	}) {
		t.Fatalf("slackfake: %d %q calls after %s, want %d", len(got), method, timeout, n)
	}
	return got
}

// RateLimit makes the next times calls of a method answer HTTP 429 with a
// Retry-After of retryAfter rounded up to whole seconds.
func (s *Server) RateLimit(method string, times int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[method] = &rateLimit{times: times, retryAfter: retryAfter}
}

// Fail makes the next times calls of a method answer "ok": false with
// slackError, such as "channel_not_found".
func (s *Server) Fail(method string, times int, slackError string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[method] = &failure{times: times, err: slackError}
}

// FailHTTP makes the next times calls of a method answer an HTTP status,
// such as 503, with an HTML page instead of JSON, as Slack does in an
// outage.
func (s *Server) FailHTTP(method string, times int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outages[method] = &failure{times: times, status: status}
}

// nextIDLocked returns a fresh id with the prefix Slack uses for the kind
// of object, such as "V" for views and "F" for files.
func (s *Server) nextIDLocked(prefix string) string {
	s.seq++
	return prefix + strconv.Itoa(1000000+s.seq)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every value marshalled here is built by the fake itself.
		panic("slackfake: marshal response: " + err.Error())
	}
	return b
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return slices.Clip(out)
}
