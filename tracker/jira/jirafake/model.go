package jirafake

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is a workflow status. Category is new, indeterminate or done.
type Status struct {
	Name     string
	Category string
}

// Transition leads from any of From (from every status when empty, a
// "global" transition) to To.
type Transition struct {
	ID   string
	Name string
	From []string
	To   string
}

// Workflow is the statuses and transitions every issue follows. New issues
// start in Initial.
type Workflow struct {
	Initial     string
	Statuses    []Status
	Transitions []Transition
}

// Issue is an issue as the fake holds it. Assignee is an account id,
// DueDate is YYYY-MM-DD, Sprint is a sprint id (0: in the backlog).
type Issue struct {
	ID          string
	Key         string
	Project     string
	IssueType   string
	Summary     string
	Description string
	Priority    string
	DueDate     string
	Assignee    string
	Status      string
	Resolution  string
	Labels      []string
	Comments    []string
	Worklogs    []Worklog
	Sprint      int
	Created     time.Time
	Updated     time.Time
}

// Worklog is time logged on an issue.
type Worklog struct {
	TimeSpentSeconds int
	Comment          string
}

type project struct {
	id, key, name string
	types         []string // issue type ids
}

type issueType struct{ id, name string }

type priority struct{ id, name string }

type user struct{ accountID, email, name string }

type board struct {
	id         int
	name       string
	projectKey string
}

type sprint struct {
	id, board   int
	name, state string
}

type comment struct {
	id, body, author string
	created          time.Time
}

type worklog struct {
	id, comment, author string
	seconds             int
	started, created    time.Time
}

type issue struct {
	id                                              int
	key, project, issueType, summary, description   string
	priority, dueDate, assignee, status, resolution string
	reporter                                        string
	labels                                          []string
	comments                                        []comment
	worklogs                                        []worklog
	sprint                                          int
	created, updated, resolved                      time.Time
}

func (is *issue) export() Issue {
	out := Issue{
		ID: strconv.Itoa(is.id), Key: is.key, Project: is.project, IssueType: is.issueType,
		Summary: is.summary, Description: is.description, Priority: is.priority,
		DueDate: is.dueDate, Assignee: is.assignee, Status: is.status, Resolution: is.resolution,
		Labels: slices.Clone(is.labels), Sprint: is.sprint, Created: is.created, Updated: is.updated,
	}
	for _, c := range is.comments {
		out.Comments = append(out.Comments, c.body)
	}
	for _, w := range is.worklogs {
		out.Worklogs = append(out.Worklogs, Worklog{TimeSpentSeconds: w.seconds, Comment: w.comment})
	}
	return out
}

// Issues returns every issue, ordered by id.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issue, 0, len(s.issues))
	for _, is := range s.issues {
		out = append(out, is.export())
	}
	return out
}

// Issue returns the issue with key (or id).
func (s *Server) Issue(key string) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.findIssue(key)
	if is == nil {
		return Issue{}, false
	}
	return is.export(), true
}

// findIssue finds an issue by id or key; keys are case-insensitive.
func (s *Server) findIssue(idOrKey string) *issue {
	for _, is := range s.issues {
		if strconv.Itoa(is.id) == idOrKey || strings.EqualFold(is.key, idOrKey) {
			return is
		}
	}
	return nil
}

func (s *Server) findProject(idOrKey string) *project {
	for _, p := range s.projects {
		if p.id == idOrKey || strings.EqualFold(p.key, idOrKey) {
			return p
		}
	}
	return nil
}

func (s *Server) findUser(accountID string) *user {
	for i := range s.users {
		if s.users[i].accountID == accountID {
			return &s.users[i]
		}
	}
	return nil
}

func (s *Server) findStatus(name string) (Status, bool) {
	for _, st := range s.workflow.Statuses {
		if strings.EqualFold(st.Name, name) {
			return st, true
		}
	}
	return Status{}, false
}

func (s *Server) findSprint(id int) *sprint {
	for _, sp := range s.sprints {
		if sp.id == id {
			return sp
		}
	}
	return nil
}

func (s *Server) findBoard(id int) *board {
	for _, b := range s.boards {
		if b.id == id {
			return b
		}
	}
	return nil
}

func (s *Server) typeName(id string) string {
	for _, it := range s.issueTypes {
		if it.id == id {
			return it.name
		}
	}
	return ""
}

func (s *Server) typeByName(name string) (issueType, bool) {
	for _, it := range s.issueTypes {
		if strings.EqualFold(it.name, name) {
			return it, true
		}
	}
	return issueType{}, false
}

// setStatus moves is to st; a done category resolves it as Done, any other
// clears the resolution, as Jira's default post functions do.
func (s *Server) setStatus(is *issue, st Status, at time.Time) {
	is.status = st.Name
	if st.Category == "done" {
		if is.resolution == "" {
			is.resolution = "Done"
			is.resolved = at
		}
	} else {
		is.resolution = ""
		is.resolved = time.Time{}
	}
	is.updated = at
}
