// Package pagerdutyfake is a fake PagerDuty for tests: GET /oncalls and
// GET /users/{id} of the REST API v2, and POST /v2/enqueue of the Events
// API v2, in PagerDuty's shapes. Every exchange is checked against
// PagerDuty's published OpenAPI descriptions (kin-openapi) and any mismatch
// fails the test.
package pagerdutyfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/sprintguard/sprintguard/internal/reference"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Token is the REST API token the fake accepts.
const Token = "pd-test-token"

// User is a PagerDuty user.
type User struct {
	ID, Name, Email string
}

// Shift puts a user on call for a schedule.
type Shift struct {
	Schedule, User string
	Start, End     time.Time
}

// Event is what the Events API received.
type Event struct {
	RoutingKey  string         `json:"routing_key"`
	EventAction string         `json:"event_action"`
	DedupKey    string         `json:"dedup_key"`
	Payload     map[string]any `json:"payload"`
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	users   map[string]User
	shifts  []Shift
	limited int // how many requests still get a 429
	reset   int // their ratelimit-reset
	down    int // how many requests still get a 500
	events  []Event
	calls   []string
}

// New starts a fake that stops with the test.
func New(t testing.TB) *Server {
	if _, _, err := loadSpecs(); err != nil {
		if specs.missing && !reference.Required() {
			t.Skipf("PagerDuty's OpenAPI descriptions are not at hand: %v", err)
		}
		t.Fatalf("load PagerDuty's OpenAPI descriptions: %v", err)
	}
	s := &Server{t: t, users: map[string]User{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the base of both APIs.
func (s *Server) URL() string { return s.srv.URL }

// AddUser adds a user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// SetShifts replaces the schedule's shifts (who is on call changes at the
// source).
func (s *Server) SetShifts(shifts ...Shift) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shifts = slices.Clone(shifts)
}

// RateLimit answers the next n requests 429 with ratelimit-reset: reset.
func (s *Server) RateLimit(n, reset int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited, s.reset = n, reset
}

// Down answers the next n requests 500.
func (s *Server) Down(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = n
}

// Events returns the events received, in order.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// Calls returns "METHOD /path" of every request, in order.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := httptest.NewRecorder()
	s.handle(rec, r, body)
	rest, events, _ := loadSpecs()
	router := rest
	if r.URL.Path == "/v2/enqueue" {
		router = events
	}
	if rec.Code != http.StatusTooManyRequests && rec.Code != http.StatusInternalServerError {
		if problem := check(router, r, body, rec); problem != "" {
			s.t.Errorf("pagerdutyfake: %s", problem)
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (s *Server) handle(w *httptest.ResponseRecorder, r *http.Request, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, r.Method+" "+r.URL.Path)
	w.Header().Set("Content-Type", "application/json")
	if s.limited > 0 {
		s.limited--
		w.Header().Set("ratelimit-reset", strconv.Itoa(s.reset))
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"message":"Rate Limit Exceeded","code":2020}}`)
		return
	}
	if s.down > 0 {
		s.down--
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":{"message":"Internal Server Error","code":2000}}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/oncalls":
		if r.Header.Get("Authorization") != "Token token="+Token {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Authentication failed","code":2006}}`)
			return
		}
		s.oncalls(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/v2/enqueue":
		s.enqueue(w, body)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"message":"Not Found","code":2100}}`)
	}
}

// oncalls answers GET /oncalls: the shifts of schedule_ids[] overlapping
// since..until, paged with limit and offset, users in full with
// include[]=users.
func (s *Server) oncalls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	since, err1 := time.Parse(time.RFC3339, q.Get("since"))
	until, err2 := time.Parse(time.RFC3339, q.Get("until"))
	if err1 != nil || err2 != nil || until.Sub(since) > 90*24*time.Hour+time.Second {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"message":"Invalid Input Provided","code":2001,"errors":["Until must be within 90 days of since"]}}`)
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 25
	}
	limit = min(limit, 100)
	offset, _ := strconv.Atoi(q.Get("offset"))
	full := slices.Contains(q["include[]"], "users")
	var match []Shift
	for _, sh := range s.shifts {
		if slices.Contains(q["schedule_ids[]"], sh.Schedule) && sh.Start.Before(until) && sh.End.After(since) {
			match = append(match, sh)
		}
	}
	var page []any
	for i := offset; i < len(match) && i < offset+limit; i++ {
		sh := match[i]
		u := s.users[sh.User]
		user := map[string]any{"id": u.ID, "type": "user_reference", "summary": u.Name,
			"self": "https://api.pagerduty.com/users/" + u.ID, "html_url": "https://acme.pagerduty.com/users/" + u.ID}
		if full {
			// The description types the on-call's user as a reference even
			// when include[]=users expands it, so the type stays.
			user = map[string]any{"id": u.ID, "type": "user_reference", "summary": u.Name, "name": u.Name, "email": u.Email,
				"time_zone": "America/Chicago", "role": "user",
				"self": "https://api.pagerduty.com/users/" + u.ID, "html_url": "https://acme.pagerduty.com/users/" + u.ID}
		}
		page = append(page, map[string]any{
			"user": user,
			"schedule": map[string]any{"id": sh.Schedule, "type": "schedule_reference", "summary": "Platform Primary",
				"self": "https://api.pagerduty.com/schedules/" + sh.Schedule, "html_url": "https://acme.pagerduty.com/schedules/" + sh.Schedule},
			"escalation_policy": map[string]any{"id": "PEP1234", "type": "escalation_policy_reference", "summary": "Platform",
				"self": "https://api.pagerduty.com/escalation_policies/PEP1234", "html_url": "https://acme.pagerduty.com/escalation_policies/PEP1234"},
			"escalation_level": 1,
			"start":            sh.Start.UTC().Format(time.RFC3339),
			"end":              sh.End.UTC().Format(time.RFC3339),
		})
	}
	if page == nil {
		page = []any{}
	}
	json.NewEncoder(w).Encode(map[string]any{"oncalls": page, "limit": limit, "offset": offset,
		"more": offset+limit < len(match), "total": nil})
}

// enqueue answers POST /v2/enqueue as the Events API does: 202 with a
// dedup_key, 400 for an event it would refuse.
func (s *Server) enqueue(w http.ResponseWriter, body []byte) {
	var e Event
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&e); err != nil || len(e.RoutingKey) != 32 ||
		!slices.Contains([]string{"trigger", "acknowledge", "resolve"}, e.EventAction) ||
		(e.EventAction != "trigger" && e.DedupKey == "") {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"status": "invalid event", "message": "Event object is invalid",
			"errors": []string{fmt.Sprintf("bad event: %s", strings.TrimSpace(string(body)))}})
		return
	}
	s.events = append(s.events, e)
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]any{"status": "success", "message": "Event processed", "dedup_key": e.DedupKey})
}
