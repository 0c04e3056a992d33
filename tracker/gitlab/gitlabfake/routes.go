package gitlabfake

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parameters each endpoint's documentation lists (the ones sprintguard
// could send; the fake refuses others).
var (
	listIssueParams = []string{"assignee_id", "assignee_username", "author_id", "author_username", "confidential", "created_after",
		"created_before", "due_date", "iids", "in", "issue_type", "iteration_id", "labels", "milestone", "my_reaction_emoji",
		"not", "order_by", "scope", "search", "sort", "state", "updated_after", "updated_before", "with_labels_details", "page", "per_page"}
	createIssueParams = []string{"title", "description", "confidential", "assignee_id", "assignee_ids", "milestone_id", "labels",
		"created_at", "due_date", "epic_id", "merge_request_to_resolve_discussions_of", "discussion_to_resolve", "weight", "issue_type", "iid"}
	editIssueParams = []string{"title", "description", "confidential", "assignee_ids", "milestone_id", "labels", "add_labels",
		"remove_labels", "state_event", "updated_at", "due_date", "epic_id", "weight", "discussion_locked", "issue_type"}
)

var spendRE = regexp.MustCompile(`(?m)^/spend\s+([0-9.]+)h\s*$`)

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/user", func(w http.ResponseWriter, r *http.Request) {
		s.params(r)
		s.mu.Lock()
		defer s.mu.Unlock()
		writeJSON(w, 200, s.userJSON(Bot))
	})
	mux.HandleFunc("GET /api/v4/users", func(w http.ResponseWriter, r *http.Request) {
		q := s.params(r, "username", "search", "active", "blocked", "page", "per_page")
		s.mu.Lock()
		defer s.mu.Unlock()
		out := []any{}
		if _, ok := s.users[strings.ToLower(q["username"])]; ok {
			out = append(out, s.userJSON(q["username"]))
		}
		writeJSON(w, 200, out)
	})
	mux.HandleFunc("GET /api/v4/projects/{id}", s.inProject(false, func(w http.ResponseWriter, r *http.Request, p *project) {
		s.params(r, "license", "statistics", "with_custom_attributes")
		level := 10
		if p.reporter {
			level = 20
		}
		writeJSON(w, 200, map[string]any{"id": p.id, "path_with_namespace": p.path, "name": p.path[strings.LastIndex(p.path, "/")+1:],
			"web_url": s.web(p.path), "issues_enabled": true, "issues_access_level": "enabled",
			"permissions": map[string]any{"project_access": map[string]any{"access_level": level, "notification_level": 3}, "group_access": nil}})
	}))
	mux.HandleFunc("GET /api/v4/projects/{id}/labels", s.inProject(false, func(w http.ResponseWriter, r *http.Request, p *project) {
		q := s.params(r, "with_counts", "include_ancestor_groups", "search", "archived", "page", "per_page")
		page(w, q, p.labelOrder, func(name string) any { return s.labelJSON(p, name) })
	}))
	mux.HandleFunc("POST /api/v4/projects/{id}/labels", s.inProject(true, func(w http.ResponseWriter, r *http.Request, p *project) {
		q := s.params(r, "name", "color", "description", "priority", "archived")
		switch {
		case q["name"] == "" || q["color"] == "":
			writeJSON(w, 400, map[string]any{"error": "name is missing, color is missing"})
		case s.findLabel(p, q["name"]) != "":
			writeJSON(w, 409, map[string]any{"message": "Label already exists"})
		default:
			p.labels[q["name"]] = q["color"]
			p.labelOrder = append(p.labelOrder, q["name"])
			writeJSON(w, 201, s.labelJSON(p, q["name"]))
		}
	}))
	mux.HandleFunc("GET /api/v4/projects/{id}/milestones", s.inProject(false, func(w http.ResponseWriter, r *http.Request, p *project) {
		q := s.params(r, "iids", "state", "title", "search", "include_ancestors", "updated_before", "updated_after", "page", "per_page")
		var ms []milestone
		for _, m := range p.milestones {
			if q["title"] == "" || m.title == q["title"] {
				ms = append(ms, m)
			}
		}
		page(w, q, ms, func(m milestone) any { return s.milestoneJSON(p, m) })
	}))
	mux.HandleFunc("POST /api/v4/projects/{id}/milestones", s.inProject(true, func(w http.ResponseWriter, r *http.Request, p *project) {
		q := s.params(r, "title", "description", "due_date", "start_date")
		if q["title"] == "" {
			writeJSON(w, 400, map[string]any{"error": "title is missing"})
			return
		}
		if slices.ContainsFunc(p.milestones, func(m milestone) bool { return m.title == q["title"] }) {
			writeJSON(w, 400, map[string]any{"message": map[string]any{"title": []string{"already being used for another group or project milestone."}}})
			return
		}
		s.nextID++
		m := milestone{id: s.nextID, iid: int64(len(p.milestones) + 1), title: q["title"], start: q["start_date"], due: q["due_date"]}
		p.milestones = append(p.milestones, m)
		writeJSON(w, 201, s.milestoneJSON(p, m))
	}))
	mux.HandleFunc("GET /api/v4/projects/{id}/issues", s.inProject(false, s.listIssues))
	mux.HandleFunc("POST /api/v4/projects/{id}/issues", s.inProject(true, s.createIssue))
	mux.HandleFunc("GET /api/v4/projects/{id}/issues/{iid}", s.inIssue(false, func(w http.ResponseWriter, r *http.Request, p *project, is *Issue) {
		s.params(r)
		writeJSON(w, 200, s.issueJSON(p, is))
	}))
	mux.HandleFunc("PUT /api/v4/projects/{id}/issues/{iid}", s.inIssue(true, s.editIssue))
	mux.HandleFunc("GET /api/v4/projects/{id}/issues/{iid}/notes", s.inIssue(false, func(w http.ResponseWriter, r *http.Request, p *project, is *Issue) {
		q := s.params(r, "order_by", "sort", "activity_filter", "page", "per_page")
		var ns []*Note
		for _, n := range p.notes {
			if n.IID == is.IID {
				ns = append(ns, n)
			}
		}
		if q["sort"] == "desc" {
			slices.Reverse(ns)
		}
		page(w, q, ns, func(n *Note) any { return s.noteJSON(p, n) })
	}))
	mux.HandleFunc("POST /api/v4/projects/{id}/issues/{iid}/notes", s.inIssue(true, func(w http.ResponseWriter, r *http.Request, p *project, is *Issue) {
		q := s.params(r, "body", "confidential", "internal", "created_at", "merge_request_diff_head_sha")
		if q["body"] == "" {
			writeJSON(w, 400, map[string]any{"error": "body is missing"})
			return
		}
		s.nextID++
		n := &Note{ID: s.nextID, IID: is.IID, Body: q["body"], By: Bot, At: s.now()}
		// Quick actions run and leave the note's text.
		for _, m := range spendRE.FindAllStringSubmatch(n.Body, -1) {
			h, _ := strconv.ParseFloat(m[1], 64)
			is.Spent += int64(h * 3600)
		}
		p.notes = append(p.notes, n)
		is.Updated = n.At
		writeJSON(w, 201, s.noteJSON(p, n))
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.t.Errorf("gitlabfake: unexpected %s %s", r.Method, r.URL.Path)
		writeJSON(w, 404, map[string]any{"error": "404 Not Found"})
	})
	mux.ServeHTTP(w, r)
}

func (s *Server) inProject(write bool, fn func(http.ResponseWriter, *http.Request, *project)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.projects[strings.ToLower(unescape(r.PathValue("id")))]
		switch {
		case p == nil:
			writeJSON(w, 404, map[string]any{"message": "404 Project Not Found"})
		case write && !p.reporter:
			writeJSON(w, 403, map[string]any{"message": "403 Forbidden"})
		default:
			fn(w, r, p)
		}
	}
}

func (s *Server) inIssue(write bool, fn func(http.ResponseWriter, *http.Request, *project, *Issue)) http.HandlerFunc {
	return s.inProject(write, func(w http.ResponseWriter, r *http.Request, p *project) {
		iid, _ := strconv.Atoi(r.PathValue("iid"))
		if iid < 1 || iid > len(p.issues) {
			writeJSON(w, 404, map[string]any{"message": "404 Not found"})
			return
		}
		fn(w, r, p, p.issues[iid-1])
	})
}

func (s *Server) findLabel(p *project, name string) string {
	for _, l := range p.labelOrder {
		if strings.EqualFold(l, name) {
			return l
		}
	}
	return ""
}

func (s *Server) listIssues(w http.ResponseWriter, r *http.Request, p *project) {
	q := s.params(r, listIssueParams...)
	var after time.Time
	if v := q["updated_after"]; v != "" {
		var err error
		if after, err = time.Parse(time.RFC3339, v); err != nil {
			writeJSON(w, 400, map[string]any{"error": "updated_after is invalid"})
			return
		}
	}
	var want []string
	if q["labels"] != "" {
		want = strings.Split(q["labels"], ",")
	}
	state := q["state"]
	var list []*Issue
	for _, is := range p.issues {
		if (state == "opened" || state == "closed") && is.State != state || !after.IsZero() && !is.Updated.After(after) {
			continue
		}
		if !slices.ContainsFunc(want, func(l string) bool {
			return !slices.ContainsFunc(is.Labels, func(x string) bool { return strings.EqualFold(x, l) })
		}) {
			list = append(list, is)
		}
	}
	sortIssues(list, q["order_by"], q["sort"])
	page(w, q, list, func(is *Issue) any { return s.issueJSON(p, is) })
}

// setFields applies label, assignee and milestone parameters; GitLab
// makes unknown labels (grey) and ignores unknown assignees.
func (s *Server) setFields(w http.ResponseWriter, p *project, is *Issue, q map[string]string) bool {
	if v, ok := q["milestone_id"]; ok {
		id, _ := strconv.ParseInt(v, 10, 64)
		if id != 0 && !slices.ContainsFunc(p.milestones, func(m milestone) bool { return m.id == id }) {
			writeJSON(w, 404, map[string]any{"message": "404 Milestone Not Found"})
			return false
		}
		is.Milestone = id
	}
	add := func(l string) {
		if l = strings.TrimSpace(l); l == "" {
			return
		}
		if s.findLabel(p, l) == "" {
			p.labels[l] = "#ededed"
			p.labelOrder = append(p.labelOrder, l)
		}
		l = s.findLabel(p, l)
		// Scoped labels: one per scope.
		if i := strings.LastIndex(l, "::"); i > 0 {
			is.Labels = slices.DeleteFunc(is.Labels, func(x string) bool { return strings.HasPrefix(x, l[:i+2]) })
		}
		if !slices.Contains(is.Labels, l) {
			is.Labels = append(is.Labels, l)
		}
	}
	if v, ok := q["labels"]; ok {
		is.Labels = nil
		for _, l := range strings.Split(v, ",") {
			add(l)
		}
	}
	for _, l := range strings.Split(q["remove_labels"], ",") {
		is.Labels = slices.DeleteFunc(is.Labels, func(x string) bool { return strings.EqualFold(x, strings.TrimSpace(l)) })
	}
	for _, l := range strings.Split(q["add_labels"], ",") {
		add(l)
	}
	if v, ok := q["assignee_ids"]; ok {
		is.Assignees = nil
		for _, id := range strings.Split(v, ",") {
			for name, uid := range s.users {
				if strconv.FormatInt(uid, 10) == id {
					is.Assignees = append(is.Assignees, name)
				}
			}
		}
	}
	return true
}

func (s *Server) createIssue(w http.ResponseWriter, r *http.Request, p *project) {
	q := s.params(r, createIssueParams...)
	if q["title"] == "" {
		writeJSON(w, 400, map[string]any{"error": "title is missing"})
		return
	}
	now := s.now()
	s.nextID++
	is := &Issue{ID: s.nextID, IID: int64(len(p.issues) + 1), Project: p.path, Title: q["title"], Description: q["description"],
		State: "opened", Created: now, Updated: now}
	if !s.setFields(w, p, is, q) {
		return
	}
	p.issues = append(p.issues, is)
	if s.lose > 0 {
		s.lose--
		writeJSON(w, 502, map[string]any{"message": "502 Bad Gateway"})
		return
	}
	writeJSON(w, 201, s.issueJSON(p, is))
}

func (s *Server) editIssue(w http.ResponseWriter, r *http.Request, p *project, is *Issue) {
	q := s.params(r, editIssueParams...)
	c := *is
	c.Labels, c.Assignees = slices.Clone(is.Labels), slices.Clone(is.Assignees)
	switch q["state_event"] {
	case "close":
		if c.State != "closed" {
			c.State, c.Closed = "closed", s.now()
		}
	case "reopen":
		c.State, c.Closed = "opened", time.Time{}
	case "":
	default:
		writeJSON(w, 400, map[string]any{"error": "state_event does not have a valid value"})
		return
	}
	if !s.setFields(w, p, &c, q) {
		return
	}
	c.Updated = s.now()
	*is = c
	writeJSON(w, 200, s.issueJSON(p, is))
}
