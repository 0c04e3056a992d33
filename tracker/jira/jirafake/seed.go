package jirafake

import (
	"slices"
	"strconv"
	"strings"
)

// DefaultWorkflow is the workflow a new fake starts with: To Do (new),
// In Progress (indeterminate) and Done (done), with Start Progress (11),
// Done (21), Reopen (31) and Stop Progress (41).
func DefaultWorkflow() Workflow {
	return Workflow{
		Initial: "To Do",
		Statuses: []Status{
			{Name: "To Do", Category: "new"},
			{Name: "In Progress", Category: "indeterminate"},
			{Name: "Done", Category: "done"},
		},
		Transitions: []Transition{
			{ID: "11", Name: "Start Progress", From: []string{"To Do"}, To: "In Progress"},
			{ID: "21", Name: "Done", From: []string{"To Do", "In Progress"}, To: "Done"},
			{ID: "31", Name: "Reopen", From: []string{"Done"}, To: "To Do"},
			{ID: "41", Name: "Stop Progress", From: []string{"In Progress"}, To: "To Do"},
		},
	}
}

// seed loads the data every fake starts with: project OPS (10000) with
// Task (10001) and Bug (10002), the five standard priorities, the API
// user, the default workflow, and scrum board 7 on OPS with active sprint
// 42 "OPS Sprint 23" and future sprint 43 "OPS Sprint 24".
func (s *Server) seed() {
	s.keySeq = map[string]int{}
	s.nextID = 10001
	s.nextSubID = 10000
	s.priorities = []priority{{"1", "Highest"}, {"2", "High"}, {"3", "Medium"}, {"4", "Low"}, {"5", "Lowest"}}
	s.users = []user{{accountID: BotAccountID, email: User, name: "SprintGuard Bot"}}
	s.addProject("OPS", "Task", "Bug")
	s.setWorkflow(DefaultWorkflow())
	s.boards = []*board{{id: 7, name: "OPS board", projectKey: "OPS"}}
	s.sprints = []*sprint{
		{id: 42, board: 7, name: "OPS Sprint 23", state: "active"},
		{id: 43, board: 7, name: "OPS Sprint 24", state: "future"},
	}
}

// AddProject adds a project with the given issue types (Task when none).
// Its id follows the last project's.
func (s *Server) AddProject(key string, issueTypes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findProject(key) != nil {
		s.t.Errorf("jirafake: project %s already exists", key)
		return
	}
	s.addProject(key, issueTypes...)
}

func (s *Server) addProject(key string, issueTypes ...string) {
	if len(issueTypes) == 0 {
		issueTypes = []string{"Task"}
	}
	p := &project{id: strconv.Itoa(10000 + len(s.projects)), key: strings.ToUpper(key), name: key}
	for _, name := range issueTypes {
		it, ok := s.typeByName(name)
		if !ok {
			it = issueType{id: strconv.Itoa(10001 + len(s.issueTypes)), name: name}
			s.issueTypes = append(s.issueTypes, it)
		}
		p.types = append(p.types, it.id)
	}
	s.projects = append(s.projects, p)
}

// AddUser adds a user the API user can find and assign issues to.
func (s *Server) AddUser(accountID, email, displayName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findUser(accountID) != nil {
		s.t.Errorf("jirafake: user %s already exists", accountID)
		return
	}
	s.users = append(s.users, user{accountID: accountID, email: email, name: displayName})
}

// SetWorkflow replaces the workflow of every issue. Issues in a status the
// new workflow lacks move to its initial status.
func (s *Server) SetWorkflow(w Workflow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := findIn(w.Statuses, w.Initial); !ok {
		s.t.Errorf("jirafake: initial status %q is not among the workflow's statuses", w.Initial)
		return
	}
	for _, tr := range w.Transitions {
		if _, ok := findIn(w.Statuses, tr.To); !ok {
			s.t.Errorf("jirafake: transition %s leads to unknown status %q", tr.ID, tr.To)
			return
		}
	}
	s.setWorkflow(w)
	now := s.now()
	for _, is := range s.issues {
		if _, ok := s.findStatus(is.status); !ok {
			st, _ := s.findStatus(w.Initial)
			s.setStatus(is, st, now)
		}
	}
}

func (s *Server) setWorkflow(w Workflow) {
	w.Statuses = slices.Clone(w.Statuses)
	w.Transitions = slices.Clone(w.Transitions)
	s.workflow = w
	if s.statusIDs == nil {
		s.statusIDs = map[string]string{}
	}
	for _, st := range w.Statuses {
		if _, ok := s.statusIDs[st.Name]; !ok {
			s.statusIDs[st.Name] = strconv.Itoa(10000 + len(s.statusIDs))
		}
	}
}

func findIn(sts []Status, name string) (Status, bool) {
	for _, st := range sts {
		if strings.EqualFold(st.Name, name) {
			return st, true
		}
	}
	return Status{}, false
}

// AddBoard adds a scrum board on a project.
func (s *Server) AddBoard(id int, name, projectKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.boards = append(s.boards, &board{id: id, name: name, projectKey: strings.ToUpper(projectKey)})
}

// AddSprint adds a sprint to a board; state is future, active or closed.
func (s *Server) AddSprint(boardID, id int, name, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sprints = append(s.sprints, &sprint{id: id, board: boardID, name: name, state: state})
}

// SetSprintState starts (active) or completes (closed) a sprint, as a
// person would on the board.
func (s *Server) SetSprintState(id int, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.findSprint(id)
	if sp == nil {
		s.t.Errorf("jirafake: no sprint %d", id)
		return
	}
	sp.state = state
}

// AddIssue makes an issue as a person would in Jira's UI and returns it.
// Project defaults to OPS, IssueType to the project's first type, Priority
// to Medium, Status to the workflow's initial one; ID, Key, Created and
// Updated are set by the fake.
func (s *Server) AddIssue(in Issue) Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Project == "" {
		in.Project = "OPS"
	}
	p := s.findProject(in.Project)
	if p == nil {
		s.t.Errorf("jirafake: AddIssue: no project %s", in.Project)
		return Issue{}
	}
	if in.IssueType == "" {
		in.IssueType = s.typeName(p.types[0])
	}
	if in.Priority == "" {
		in.Priority = "Medium"
	}
	is := s.newIssue(p, in.IssueType, in.Summary)
	is.description, is.priority, is.dueDate, is.assignee = in.Description, in.Priority, in.DueDate, in.Assignee
	is.labels = slices.Clone(in.Labels)
	is.sprint = in.Sprint
	if in.Status != "" {
		st, ok := s.findStatus(in.Status)
		if !ok {
			s.t.Errorf("jirafake: AddIssue: no status %q in the workflow", in.Status)
		} else {
			s.setStatus(is, st, is.created)
		}
	}
	return is.export()
}

// newIssue adds an issue in the initial status, in the backlog.
func (s *Server) newIssue(p *project, issueType, summary string) *issue {
	now := s.now()
	s.keySeq[p.key]++
	is := &issue{
		id: s.nextID, key: p.key + "-" + strconv.Itoa(s.keySeq[p.key]), project: p.key,
		issueType: issueType, summary: summary, priority: "Medium", reporter: BotAccountID,
		status: s.workflow.Initial, created: now, updated: now,
	}
	s.nextID++
	s.issues = append(s.issues, is)
	return is
}

// SetStatus moves an issue to a status as a person would (no transition
// needed), setting the resolution to Done in a done status and clearing
// it otherwise. It bumps updated.
func (s *Server) SetStatus(key, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.findIssue(key)
	st, ok := s.findStatus(status)
	if is == nil || !ok {
		s.t.Errorf("jirafake: SetStatus(%s, %s): no such issue or status", key, status)
		return
	}
	s.setStatus(is, st, s.now())
}

// SetAssignee assigns an issue as a person would ("" unassigns). It bumps
// updated.
func (s *Server) SetAssignee(key, accountID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.findIssue(key)
	if is == nil {
		s.t.Errorf("jirafake: SetAssignee: no issue %s", key)
		return
	}
	is.assignee = accountID
	is.updated = s.now()
}

// subID returns a fresh id for a comment or worklog.
func (s *Server) subID() string {
	s.nextSubID++
	return strconv.Itoa(s.nextSubID)
}
