package githubfake

import (
	"slices"
	"strings"
	"time"
)

type repo struct {
	id          int64
	full        string
	readOnly    bool // the token may read but not write: 403 on writes
	noTriage    bool // permissions.triage false
	issues      []*Issue
	labels      []*Label
	milestones  []*Milestone
	comments    []*Comment
	nextComment int64
}

// Issue is an issue as the fake keeps it.
type Issue struct {
	ID          int64
	Repo        string
	Number      int
	Title, Body string
	State       string // open or closed
	StateReason string
	Labels      []string
	Assignees   []string
	Milestone   int
	Author      string
	Created     time.Time
	Updated     time.Time
	Closed      time.Time
}

// Label is a repository label.
type Label struct {
	ID          int64
	Name, Color string
	Description string
}

// Milestone is a repository milestone.
type Milestone struct {
	ID      int64
	Number  int
	Title   string
	State   string
	DueOn   time.Time
	Created time.Time
}

// Comment is an issue comment.
type Comment struct {
	ID      int64
	Number  int
	Author  string
	Body    string
	Created time.Time
}

type project struct {
	owner     string
	number    int
	fieldID   int64
	iters     []Iteration
	items     map[int64]*item // by item id
	byContent map[int64]int64 // issue id -> item id
}

type item struct {
	id        int64
	issueID   int64
	iteration string
	created   time.Time
	updated   time.Time
}

// Iteration is one iteration of a project's iteration field.
type Iteration struct {
	ID    string
	Title string
	Start time.Time // civil date
	Days  int
}

// AddRepo makes repository full ("owner/name").
func (s *Server) AddRepo(full string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.repos[strings.ToLower(full)] = &repo{id: s.nextID, full: full}
}

// ReadOnly makes the token unable to write to full, as a fine-grained
// token without Issues write access.
func (s *Server) ReadOnly(full string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.repos[strings.ToLower(full)]; r != nil {
		r.readOnly, r.noTriage = true, true
	}
}

// AddProject makes an organisation's project (owner/number) with an
// iteration field named "Iteration" holding its.
func (s *Server) AddProject(owner string, number int, its ...Iteration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.projects[projectKey(owner, number)] = &project{owner: owner, number: number, fieldID: s.nextID, iters: its,
		items: map[int64]*item{}, byContent: map[int64]int64{}}
}

// ProjectIteration returns the iteration id the issue has in the project,
// "" when it is not there.
func (s *Server) ProjectIteration(owner string, number int, issueRepo string, issueNumber int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[projectKey(owner, number)]
	is := s.issue(issueRepo, issueNumber)
	if p == nil || is == nil {
		return ""
	}
	if id, ok := p.byContent[is.ID]; ok {
		return p.items[id].iteration
	}
	return ""
}

// Issues returns copies of every issue of full, by number, once the late
// creates due by the clock have landed.
func (s *Server) Issues(full string) []Issue {
	s.late.Due(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repos[strings.ToLower(full)]
	if r == nil {
		return nil
	}
	out := make([]Issue, 0, len(r.issues))
	for _, is := range r.issues {
		c := *is
		c.Labels, c.Assignees = slices.Clone(is.Labels), slices.Clone(is.Assignees)
		out = append(out, c)
	}
	return out
}

// Labels returns the labels of full.
func (s *Server) Labels(full string) []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Label
	if r := s.repos[strings.ToLower(full)]; r != nil {
		for _, l := range r.labels {
			out = append(out, *l)
		}
	}
	return out
}

// Milestones returns the milestones of full.
func (s *Server) Milestones(full string) []Milestone {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Milestone
	if r := s.repos[strings.ToLower(full)]; r != nil {
		for _, m := range r.milestones {
			out = append(out, *m)
		}
	}
	return out
}

// Comments returns the comments on an issue.
func (s *Server) Comments(full string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	if r := s.repos[strings.ToLower(full)]; r != nil {
		for _, c := range r.comments {
			if c.Number == number {
				out = append(out, *c)
			}
		}
	}
	return out
}

func (s *Server) issue(full string, number int) *Issue {
	r := s.repos[strings.ToLower(full)]
	if r == nil || number < 1 || number > len(r.issues) {
		return nil
	}
	return r.issues[number-1]
}

// Close closes an issue as login would in GitHub's UI.
func (s *Server) Close(full string, number int, login string) {
	s.change(full, number, login, "closed", func(is *Issue, now time.Time) {
		is.State, is.StateReason, is.Closed = "closed", "completed", now
	})
}

// Reopen reopens an issue as login would.
func (s *Server) Reopen(full string, number int, login string) {
	s.change(full, number, login, "reopened", func(is *Issue, now time.Time) {
		is.State, is.StateReason, is.Closed = "open", "reopened", time.Time{}
	})
}

// SetLabels replaces an issue's labels as login would (GitHub sends one
// "labeled" or "unlabeled" event per label; the fake sends one).
func (s *Server) SetLabels(full string, number int, login string, labels ...string) {
	s.change(full, number, login, "labeled", func(is *Issue, now time.Time) {
		is.Labels = slices.Clone(labels)
		r := s.repos[strings.ToLower(full)]
		for _, l := range labels {
			if findLabel(r, l) == nil {
				s.nextID++
				r.labels = append(r.labels, &Label{ID: s.nextID, Name: l, Color: "ededed"})
			}
		}
	})
}

// Assign sets an issue's assignees as login would.
func (s *Server) Assign(full string, number int, login string, assignees ...string) {
	s.change(full, number, login, "assigned", func(is *Issue, now time.Time) { is.Assignees = slices.Clone(assignees) })
}

// AddComment comments on an issue as login would.
func (s *Server) AddComment(full string, number int, login, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repos[strings.ToLower(full)]
	is := s.issue(full, number)
	if is == nil {
		return
	}
	now := s.now()
	s.nextID++
	r.comments = append(r.comments, &Comment{ID: s.nextID, Number: number, Author: login, Body: body, Created: now})
	is.Updated = now
}

func (s *Server) change(full string, number int, login, action string, fn func(*Issue, time.Time)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issue(full, number)
	if is == nil {
		s.t.Errorf("githubfake: no issue %s#%d", full, number)
		return
	}
	now := s.now()
	fn(is, now)
	is.Updated = now
	s.hooks = append(s.hooks, Delivery{Event: "issues", Payload: s.hookPayload(action, is, login)})
}

func findLabel(r *repo, name string) *Label {
	for _, l := range r.labels {
		if strings.EqualFold(l.Name, name) {
			return l
		}
	}
	return nil
}

func projectKey(owner string, number int) string { return strings.ToLower(owner) + "/" + itoa(number) }
