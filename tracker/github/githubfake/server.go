// Package githubfake is a GitHub REST API for tests: the issues, labels,
// milestones, comments, users and Projects (v2) endpoints sprintguard
// calls, answered in the shapes of GitHub's published OpenAPI description
// (Validate checks each exchange against it), with GitHub's rate-limit
// headers, conditional requests, and faults to inject: 5xx answers,
// secondary rate limits, lost answers, late creates and downtime windows
// on the test's clock. A Server is safe for concurrent use.
package githubfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/slowfake"
)

// Token is the only token the fake accepts; Bot is its user's login.
const (
	Token = "github_pat_fake"
	Bot   = "sprintguard-bot"
)

// Request is one request the fake answered.
type Request struct {
	Method, Path, Query string
	Status              int
}

// Server is a fake GitHub.
type Server struct {
	srv *httptest.Server
	t   testing.TB
	now func() time.Time

	rateMu    sync.Mutex // guards remaining; taken inside mu
	remaining int

	mu       sync.Mutex
	repos    map[string]*repo
	users    map[string]int64
	projects map[string]*project
	nextID   int64
	requests []Request
	// faults
	fail5xx      int
	failPart     string
	failPartN    int
	secondary    int
	secondaryFor time.Duration
	loseCreates  int
	downFrom     time.Time
	downUntil    time.Time
	writes       []time.Time // when each content-creating call came, on the clock
	validate     func(r *http.Request, body []byte, status int, header http.Header, resp []byte) error
	hooks        []Delivery
	late         slowfake.Queue
}

// Delivery is a webhook delivery GitHub would send for a change made
// through the fake's UI methods (Close, Reopen, SetLabels...).
type Delivery struct {
	Event   string
	Payload []byte
}

// New starts a fake on an httptest server, closed with the test. now is
// the clock that timestamps and downtime windows follow (nil: time.Now).
func New(t testing.TB, now func() time.Time) *Server {
	if now == nil {
		now = time.Now
	}
	s := &Server{t: t, now: now, repos: map[string]*repo{}, users: map[string]int64{}, projects: map[string]*project{},
		nextID: 1000, remaining: 5000}
	s.AddUser(Bot)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the API root, ending in "/".
func (s *Server) URL() string { return s.srv.URL + "/" }

// Validate checks every later exchange with check (see OpenAPI); a
// failure fails the test.
func (s *Server) Validate(check func(r *http.Request, body []byte, status int, header http.Header, resp []byte) error) {
	s.mu.Lock()
	s.validate = check
	s.mu.Unlock()
}

// AddUser makes a GitHub account.
func (s *Server) AddUser(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.users[strings.ToLower(login)] = s.nextID
}

// Fail5xx makes the next n requests fail with 502.
func (s *Server) Fail5xx(n int) { s.mu.Lock(); s.fail5xx = n; s.mu.Unlock() }

// FailPaths makes the next n requests whose path contains part fail with
// 502.
func (s *Server) FailPaths(part string, n int) {
	s.mu.Lock()
	s.failPart, s.failPartN = part, n
	s.mu.Unlock()
}

// SecondaryLimit makes the next n content-creating requests hit a
// secondary rate limit asking to wait retryAfter.
func (s *Server) SecondaryLimit(n int, retryAfter time.Duration) {
	s.mu.Lock()
	s.secondary, s.secondaryFor = n, retryAfter
	s.mu.Unlock()
}

// LoseCreates makes the next n issue creations succeed but answer 502, as
// when a proxy drops GitHub's answer.
func (s *Server) LoseCreates(n int) { s.mu.Lock(); s.loseCreates = n; s.mu.Unlock() }

// SlowCreates makes the next n issue creations late, as from a GitHub under load:
// each takes effect after on the fake's clock (a create still creates),
// and its caller gets a gateway's 504 at once when gateway is set, or no
// answer at all once it gives up.
func (s *Server) SlowCreates(n int, after time.Duration, gateway bool) {
	s.late.Next(n, after, gateway)
}

// Down makes GitHub unreachable (503) from from until until on the clock.
func (s *Server) Down(from, until time.Time) {
	s.mu.Lock()
	s.downFrom, s.downUntil = from, until
	s.mu.Unlock()
}

// SetRemaining sets how many calls the primary rate limit has left this
// hour; at 0 calls get 403 with X-RateLimit-Remaining: 0 until the reset.
func (s *Server) SetRemaining(n int) { s.rateMu.Lock(); s.remaining = n; s.rateMu.Unlock() }

// Requests returns the requests answered so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Writes returns the clock times of the content-creating calls.
func (s *Server) Writes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.writes...)
}

// Deliveries returns and forgets the webhook deliveries of changes made
// through the fake's UI methods.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.hooks
	s.hooks = nil
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.late.Serve(w, r, s.now(), r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/issues"), s.answer)
}

// answer serves r, whose body can be read again.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	checked := s.handle(rec, r, body)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.Code})
	validate := s.validate
	s.mu.Unlock()
	if rec.Header().Get(faultHeader) != "" {
		checked = false
		rec.Header().Del(faultHeader)
	}
	if validate != nil && checked {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := validate(r, body, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			s.t.Errorf("githubfake: %s %s does not follow GitHub's OpenAPI description: %v", r.Method, r.URL.Path, err)
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// faultHeader marks an answer the fake made up on purpose, in a case
// GitHub's description does not list for the operation (a 403 on a
// label for a token that may not write, a lost answer); it is not sent.
const faultHeader = "X-Githubfake-Fault"

// isWrite reports whether GitHub counts the call as content creation.
func isWrite(r *http.Request) bool {
	return r.Method == http.MethodPost || r.Method == http.MethodPatch
}

// handle answers r; checked is false for injected faults, which GitHub's
// description does not list for every operation.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, body []byte) (checked bool) {
	now := s.now()
	s.mu.Lock()
	down := !now.Before(s.downFrom) && now.Before(s.downUntil)
	fail := !down && s.fail5xx > 0
	if fail {
		s.fail5xx--
	}
	if !down && !fail && s.failPartN > 0 && strings.Contains(r.URL.Path, s.failPart) {
		fail = true
		s.failPartN--
	}
	limited := !down && !fail && isWrite(r) && s.secondary > 0
	if limited {
		s.secondary--
	}
	reset := now.Truncate(time.Hour).Add(time.Hour)
	s.mu.Unlock()
	s.rateMu.Lock()
	exhausted := s.remaining <= 0
	s.rateMu.Unlock()
	switch {
	case down:
		http.Error(w, "<html><body>Unicorn! GitHub is unavailable.</body></html>", http.StatusServiceUnavailable)
		return false
	case fail:
		writeJSON(w, http.StatusBadGateway, map[string]any{"message": "Server Error"})
		return false
	case r.Header.Get("Authorization") != "Bearer "+Token:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
		return false
	case limited:
		w.Header().Set("Retry-After", strconv.Itoa(int(s.secondaryFor/time.Second)))
		writeJSON(w, http.StatusForbidden, map[string]any{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"documentation_url": "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits"})
		return false
	case exhausted:
		rateHeaders(w, 0, reset)
		writeJSON(w, http.StatusForbidden, map[string]any{"message": "API rate limit exceeded for user ID 1.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"})
		return false
	}
	if isWrite(r) {
		s.mu.Lock()
		s.writes = append(s.writes, now)
		s.mu.Unlock()
	}
	rw := &rateWriter{ResponseWriter: w, s: s, reset: reset}
	s.route(rw, r, body)
	return true
}

// rateWriter sets the primary limit headers, charging the call unless it
// was a 304 (conditional requests that find nothing new are free).
type rateWriter struct {
	http.ResponseWriter
	s     *Server
	reset time.Time
	done  bool
}

func (w *rateWriter) WriteHeader(code int) {
	if !w.done {
		w.done = true
		w.s.rateMu.Lock()
		if code != http.StatusNotModified {
			w.s.remaining--
		}
		left := max(w.s.remaining, 0)
		w.s.rateMu.Unlock()
		rateHeaders(w.ResponseWriter, left, w.reset)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *rateWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func rateHeaders(w http.ResponseWriter, left int, reset time.Time) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(left))
	h.Set("X-RateLimit-Used", strconv.Itoa(5000-left))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// apiError answers GitHub's error shape.
func apiError(w http.ResponseWriter, status int, msg string, errs ...map[string]any) {
	body := map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest"}
	if len(errs) > 0 {
		body["errors"] = errs
	}
	writeJSON(w, status, body)
}

func (s *Server) base() string { return strings.TrimSuffix(s.srv.URL, "/") }

func (s *Server) html(path string) string { return "https://github.com/" + path }

func (s *Server) api(format string, args ...any) string {
	return s.base() + fmt.Sprintf(format, args...)
}
