// Package gitlabfake is a GitLab REST API (v4) for tests: the users,
// projects, labels, milestones, issues and notes endpoints sprintguard
// calls, answering in the shapes GitLab's API documentation gives
// (https://docs.gitlab.com/api/issues/ and its neighbours), refusing
// parameters those pages do not list, with GitLab's rate-limit headers and
// pagination, and faults to inject: 5xx answers, 429s, lost answers, late
// creates and downtime windows on the test's clock. A Server is safe for
// concurrent use.
package gitlabfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/slowfake"
)

// Token is the only token the fake accepts; Bot is its user.
const (
	Token = "glpat-fake"
	Bot   = "sprintguard-bot"
)

// Issue is an issue as the fake keeps it.
type Issue struct {
	ID, IID     int64
	Project     string
	Title       string
	Description string
	State       string // opened or closed
	Labels      []string
	Assignees   []string
	Milestone   int64 // id, 0 for none
	Created     time.Time
	Updated     time.Time
	Closed      time.Time
	Spent       int64 // seconds, from /spend
}

// Note is an issue note.
type Note struct {
	ID   int64
	IID  int64
	Body string
	By   string
	At   time.Time
}

type project struct {
	id         int64
	path       string
	reporter   bool // the token's user may label and assign
	issues     []*Issue
	labels     map[string]string // name -> colour
	labelOrder []string
	milestones []milestone
	notes      []*Note
}

type milestone struct {
	id, iid    int64
	title      string
	start, due string
}

// Server is a fake GitLab.
type Server struct {
	srv *httptest.Server
	t   testing.TB
	now func() time.Time

	mu        sync.Mutex
	projects  map[string]*project
	users     map[string]int64
	nextID    int64
	fail5xx   int
	limited   int
	limitFor  time.Duration
	lose      int
	downFrom  time.Time
	downUntil time.Time
	writes    []time.Time
	requests  int
	late      slowfake.Queue
}

// New starts a fake on an httptest server, closed with the test.
func New(t testing.TB, now func() time.Time) *Server {
	if now == nil {
		now = time.Now
	}
	s := &Server{t: t, now: now, projects: map[string]*project{}, users: map[string]int64{}, nextID: 100}
	s.AddUser(Bot)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the instance's root (the client adds /api/v4).
func (s *Server) URL() string { return s.srv.URL + "/" }

// AddUser makes a user.
func (s *Server) AddUser(username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.users[strings.ToLower(username)] = s.nextID
}

// AddProject makes a project at path where the token's user is a Reporter.
func (s *Server) AddProject(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.projects[strings.ToLower(path)] = &project{id: s.nextID, path: path, reporter: true, labels: map[string]string{}}
}

// Guest makes the token's user a Guest of path: it may read, not write.
func (s *Server) Guest(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[strings.ToLower(path)].reporter = false
}

// Fail5xx makes the next n requests fail with 502.
func (s *Server) Fail5xx(n int) { s.mu.Lock(); s.fail5xx = n; s.mu.Unlock() }

// RateLimit makes the next n requests answer 429 with Retry-After.
func (s *Server) RateLimit(n int, retryAfter time.Duration) {
	s.mu.Lock()
	s.limited, s.limitFor = n, retryAfter
	s.mu.Unlock()
}

// LoseCreates makes the next n issue creations succeed but answer 502.
func (s *Server) LoseCreates(n int) { s.mu.Lock(); s.lose = n; s.mu.Unlock() }

// SlowCreates makes the next n issue creations late, as from a GitLab under load:
// each takes effect after on the fake's clock (a create still creates),
// and its caller gets a gateway's 504 at once when gateway is set, or no
// answer at all once it gives up.
func (s *Server) SlowCreates(n int, after time.Duration, gateway bool) {
	s.late.Next(n, after, gateway)
}

// Down makes GitLab unreachable (503) from from until until.
func (s *Server) Down(from, until time.Time) {
	s.mu.Lock()
	s.downFrom, s.downUntil = from, until
	s.mu.Unlock()
}

// Writes returns the clock times of the calls that created or changed
// content.
func (s *Server) Writes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

// Issues returns copies of the project's issues, by iid, once the late
// creates due by the clock have landed.
func (s *Server) Issues(path string) []Issue {
	s.late.Due(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Issue
	if p := s.projects[strings.ToLower(path)]; p != nil {
		for _, is := range p.issues {
			c := *is
			c.Labels, c.Assignees = slices.Clone(is.Labels), slices.Clone(is.Assignees)
			out = append(out, c)
		}
	}
	return out
}

// Labels returns the project's labels and their colours.
func (s *Server) Labels(path string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	if p := s.projects[strings.ToLower(path)]; p != nil {
		for k, v := range p.labels {
			out[k] = v
		}
	}
	return out
}

// MilestoneTitle returns the title of an issue's milestone.
func (s *Server) MilestoneTitle(path string, iid int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[strings.ToLower(path)]
	is := p.issues[iid-1]
	for _, m := range p.milestones {
		if m.id == is.Milestone {
			return m.title
		}
	}
	return ""
}

// Notes returns an issue's notes.
func (s *Server) Notes(path string, iid int64) []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Note
	for _, n := range s.projects[strings.ToLower(path)].notes {
		if n.IID == iid {
			out = append(out, *n)
		}
	}
	return out
}

// Edit changes an issue as a person would in GitLab's UI.
func (s *Server) Edit(path string, iid int64, fn func(*Issue)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.projects[strings.ToLower(path)].issues[iid-1]
	fn(is)
	is.Updated = s.now()
	if is.State == "closed" && is.Closed.IsZero() {
		is.Closed = is.Updated
	}
	if is.State == "opened" {
		is.Closed = time.Time{}
	}
}

// Comment adds a note as by would.
func (s *Server) Comment(path string, iid int64, by, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[strings.ToLower(path)]
	s.nextID++
	p.notes = append(p.notes, &Note{ID: s.nextID, IID: iid, Body: body, By: by, At: s.now()})
	p.issues[iid-1].Updated = s.now()
}

// HookPayload is the body of the "Issue Hook" GitLab sends for an issue.
func (s *Server) HookPayload(path string, iid int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[strings.ToLower(path)]
	b, _ := json.Marshal(map[string]any{"object_kind": "issue", "event_type": "issue",
		"user": map[string]any{"username": "someone"}, "project": map[string]any{"id": p.id, "path_with_namespace": p.path},
		"object_attributes": s.issueJSON(p, p.issues[iid-1])})
	return b
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.late.Serve(w, r, s.now(), r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/issues"), s.answer)
}

// answer serves r.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	s.mu.Lock()
	s.requests++
	down := !now.Before(s.downFrom) && now.Before(s.downUntil)
	fail := !down && s.fail5xx > 0
	if fail {
		s.fail5xx--
	}
	limited := !down && !fail && s.limited > 0
	if limited {
		s.limited--
	}
	s.mu.Unlock()
	reset := now.Truncate(time.Minute).Add(time.Minute)
	w.Header().Set("RateLimit-Limit", "2000")
	w.Header().Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	switch {
	case down:
		http.Error(w, "GitLab is not responding", http.StatusServiceUnavailable)
		return
	case fail:
		writeJSON(w, http.StatusBadGateway, map[string]any{"message": "502 Bad Gateway"})
		return
	case r.Header.Get("Private-Token") != Token:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "401 Unauthorized"})
		return
	case limited:
		w.Header().Set("Retry-After", strconv.Itoa(int(s.limitFor/time.Second)))
		w.Header().Set("RateLimit-Remaining", "0")
		http.Error(w, "Retry later", http.StatusTooManyRequests)
		return
	}
	w.Header().Set("RateLimit-Remaining", "1999")
	if r.Method != http.MethodGet {
		s.mu.Lock()
		s.writes = append(s.writes, now)
		s.mu.Unlock()
	}
	s.route(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// params reads a request's parameters (query, then a JSON or form body)
// and fails the test on any the endpoint's documentation does not list.
func (s *Server) params(r *http.Request, documented ...string) map[string]string {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = strings.Join(v, ",")
	}
	if r.Body != nil && r.ContentLength != 0 {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err == nil {
			for k, v := range body {
				switch v := v.(type) {
				case string:
					out[k] = v
				case []any:
					var parts []string
					for _, x := range v {
						parts = append(parts, fmt.Sprint(x))
					}
					out[k] = strings.Join(parts, ",")
				case nil:
					out[k] = ""
				default:
					out[k] = fmt.Sprint(v)
				}
			}
		}
	}
	for k := range out {
		if !slices.Contains(documented, strings.TrimSuffix(k, "[]")) {
			s.t.Errorf("gitlabfake: %s %s sends %q, which GitLab's documentation does not list", r.Method, r.URL.Path, k)
		}
	}
	return out
}

// page answers one page of items with GitLab's pagination headers.
func page[T any](w http.ResponseWriter, q map[string]string, items []T, render func(T) any) {
	per, _ := strconv.Atoi(q["per_page"])
	if per <= 0 {
		per = 20
	}
	per = min(per, 100)
	n, _ := strconv.Atoi(q["page"])
	n = max(n, 1)
	from := min((n-1)*per, len(items))
	to := min(from+per, len(items))
	out := []any{}
	for _, it := range items[from:to] {
		out = append(out, render(it))
	}
	w.Header().Set("X-Page", strconv.Itoa(n))
	w.Header().Set("X-Per-Page", strconv.Itoa(per))
	w.Header().Set("X-Total", strconv.Itoa(len(items)))
	w.Header().Set("X-Total-Pages", strconv.Itoa(max(1, (len(items)+per-1)/per)))
	if to < len(items) {
		w.Header().Set("X-Next-Page", strconv.Itoa(n+1))
	} else {
		w.Header().Set("X-Next-Page", "")
	}
	writeJSON(w, http.StatusOK, out)
}

func sortIssues(list []*Issue, orderBy, sortDir string) {
	key := func(is *Issue) time.Time { return is.Created }
	if orderBy == "updated_at" {
		key = func(is *Issue) time.Time { return is.Updated }
	}
	asc := sortDir == "asc"
	sort.SliceStable(list, func(i, j int) bool {
		a, b := key(list[i]), key(list[j])
		if a.Equal(b) {
			return (list[i].IID < list[j].IID) == asc
		}
		return a.Before(b) == asc
	})
}

func unescape(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}
