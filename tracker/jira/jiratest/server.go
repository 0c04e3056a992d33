// Package jiratest is a fake Jira Cloud for tests: an httptest server
// that keeps issues in memory and answers the v2 REST and Agile paths
// sprintguard uses as Jira Cloud does (methods, bodies, status codes and
// error bodies, after the OpenAPI spec), including 410 Gone on the removed
// search endpoints. It can be told to fail in the ways a real site does.
package jiratest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The credentials the fake accepts.
const (
	User  = "bot@acme.com"
	Token = "jira-token"
)

// Status is a workflow status and its category: new, indeterminate or done.
type Status struct{ Name, Category string }

// Transition leads from any of From (all statuses when empty) to To.
type Transition struct {
	ID, Name string
	From     []string
	To       string
}

// Workflow is the statuses and transitions of every issue.
type Workflow struct {
	Initial     string
	Statuses    []Status
	Transitions []Transition
}

// DefaultWorkflow is Jira's simplified workflow.
var DefaultWorkflow = Workflow{
	Initial:  "To Do",
	Statuses: []Status{{"To Do", "new"}, {"In Progress", "indeterminate"}, {"Done", "done"}},
	Transitions: []Transition{
		{ID: "11", Name: "Start Progress", From: []string{"To Do"}, To: "In Progress"},
		{ID: "21", Name: "Done", To: "Done"},
		{ID: "31", Name: "Reopen", From: []string{"Done"}, To: "To Do"},
		{ID: "41", Name: "Stop Progress", From: []string{"In Progress"}, To: "To Do"},
	},
}

// Worklog is time logged on an issue.
type Worklog struct {
	TimeSpentSeconds int
	Comment          string
}

// Issue is an issue as the fake holds it.
type Issue struct {
	ID, Key, Project, IssueType, Summary, Description, Priority, DueDate string
	Assignee, Status, Resolution                                         string
	Labels, Comments                                                     []string
	Worklogs                                                             []Worklog
	Sprint                                                               int // 0 is the backlog
	Created, Updated                                                     time.Time
}

// Request is one request the fake received.
type Request struct {
	Method, Path, RawQuery string
	Body                   []byte
	Status                 int
}

type user struct{ AccountID, Email, Name string }

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server
	mu  sync.Mutex
	now func() time.Time

	projects   map[string][]string // key -> issue types
	users      []user
	priorities []string
	workflow   Workflow
	issues     []*Issue
	nextID     int
	requests   []Request
	forbidden  bool

	failNext, failStatus int
	failRate             float64
	rng                  *rand.Rand
	down                 bool
	limitNext            int
	retryAfter           time.Duration
	hangNext             int
	dropCreate           int
	hold                 chan struct{}
}

// New starts a fake with project OPS (issue types Task and Bug), the
// default priorities, board 7 on OPS with active sprint 42, and Jira's
// default workflow. The server closes when the test ends.
func New(t testing.TB) *Server {
	s := &Server{now: time.Now, projects: map[string][]string{"OPS": {"Task", "Bug"}},
		priorities: []string{"Highest", "High", "Medium", "Low", "Lowest"}, workflow: DefaultWorkflow,
		nextID: 10000, hold: make(chan struct{})}
	s.users = []user{{AccountID: "acc-bot", Email: User, Name: "sprintguard"}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.hold)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
	return s
}

// URL is the site's base URL, without a trailing slash.
func (s *Server) URL() string { return s.srv.URL }

// SetNow sets the clock of created and updated times.
func (s *Server) SetNow(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// AddProject adds a project with the given issue types.
func (s *Server) AddProject(key string, issueTypes ...string) {
	s.mu.Lock()
	s.projects[key] = issueTypes
	s.mu.Unlock()
}

// AddUser adds an assignable user.
func (s *Server) AddUser(accountID, email, name string) {
	s.mu.Lock()
	s.users = append(s.users, user{accountID, email, name})
	s.mu.Unlock()
}

// SetWorkflow replaces the workflow; existing issues keep their status name.
func (s *Server) SetWorkflow(w Workflow) { s.mu.Lock(); s.workflow = w; s.mu.Unlock() }

// SetForbidden makes every request answer 403, as for a user who lost
// access, until it is set back.
func (s *Server) SetForbidden(f bool) { s.mu.Lock(); s.forbidden = f; s.mu.Unlock() }

// Issues returns copies of every issue, oldest first.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issue, len(s.issues))
	for i, is := range s.issues {
		out[i] = copyIssue(is)
	}
	return out
}

// Issue returns a copy of the issue with key.
func (s *Server) Issue(key string) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.find(key); is != nil {
		return copyIssue(is), true
	}
	return Issue{}, false
}

func copyIssue(is *Issue) Issue {
	c := *is
	c.Labels = append([]string(nil), is.Labels...)
	c.Comments = append([]string(nil), is.Comments...)
	c.Worklogs = append([]Worklog(nil), is.Worklogs...)
	return c
}

// Requests returns every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// SetStatus changes an issue's status as a person would in Jira.
func (s *Server) SetStatus(key, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.find(key); is != nil {
		s.setStatus(is, status)
	}
}

// SetAssignee reassigns an issue as a person would in Jira.
func (s *Server) SetAssignee(key, accountID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.find(key); is != nil {
		is.Assignee, is.Updated = accountID, s.now()
	}
}

// FailNext makes the next n requests answer status with an HTML body, as
// a proxy in front of Jira does.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	s.failNext, s.failStatus = n, status
	s.mu.Unlock()
}

// FailRate makes each request fail with 500 with probability p, drawn
// from a generator seeded with seed, so a run can be repeated.
func (s *Server) FailRate(p float64, seed int64) {
	s.mu.Lock()
	s.failRate, s.rng = p, rand.New(rand.NewPCG(uint64(seed), 0))
	s.mu.Unlock()
}

// SetDown makes every request answer 503 until set back.
func (s *Server) SetDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

// RateLimitNext makes the next n requests answer 429 with Retry-After.
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	s.limitNext, s.retryAfter = n, retryAfter
	s.mu.Unlock()
}

// HangNext makes the next n requests never answer: they are held until
// the client gives up or the fake closes.
func (s *Server) HangNext(n int) { s.mu.Lock(); s.hangNext = n; s.mu.Unlock() }

// DropAfterCreate makes the next n successful issue creations commit the
// issue, then close the connection without an answer.
func (s *Server) DropAfterCreate(n int) { s.mu.Lock(); s.dropCreate = n; s.mu.Unlock() }

func (s *Server) find(key string) *Issue {
	for _, is := range s.issues {
		if is.Key == key || is.ID == key {
			return is
		}
	}
	return nil
}

func (s *Server) status(name string) (Status, bool) {
	for _, st := range s.workflow.Statuses {
		if st.Name == name {
			return st, true
		}
	}
	return Status{}, false
}

func (s *Server) setStatus(is *Issue, name string) {
	is.Status, is.Updated = name, s.now()
	is.Resolution = ""
	if st, _ := s.status(name); st.Category == "done" {
		is.Resolution = "Done"
	}
}

// jiraError writes Jira's error body.
func jiraError(w http.ResponseWriter, status int, messages []string, fields map[string]string) {
	if messages == nil {
		messages = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	writeJSON(w, status, map[string]any{"errorMessages": messages, "errors": fields})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) userByAccount(id string) *user {
	for i := range s.users {
		if s.users[i].AccountID == id {
			return &s.users[i]
		}
	}
	return nil
}

func (s *Server) userJSON(id string) any {
	u := s.userByAccount(id)
	if u == nil {
		return nil
	}
	return map[string]any{"accountId": u.AccountID, "emailAddress": u.Email, "displayName": u.Name,
		"active": true, "accountType": "atlassian", "self": s.srv.URL + "/rest/api/2/user?accountId=" + u.AccountID}
}

func splitPath(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

func keyNum(key string) int {
	var n int
	fmt.Sscanf(key[strings.LastIndexByte(key, '-')+1:], "%d", &n)
	return n
}
