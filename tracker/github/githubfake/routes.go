package githubfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.publicUser(Bot, true)) })
	mux.HandleFunc("GET /users/{login}", s.getUser)
	mux.HandleFunc("GET /repos/{owner}/{repo}", s.inRepo(false, func(w http.ResponseWriter, r *http.Request, rp *repo) {
		writeJSON(w, 200, s.repository(rp))
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/labels", s.inRepo(false, s.listLabels))
	mux.HandleFunc("POST /repos/{owner}/{repo}/labels", s.inRepo(true, func(w http.ResponseWriter, r *http.Request, rp *repo) { s.createLabel(w, rp, body) }))
	mux.HandleFunc("GET /repos/{owner}/{repo}/milestones", s.inRepo(false, s.listMilestones))
	mux.HandleFunc("POST /repos/{owner}/{repo}/milestones", s.inRepo(true, func(w http.ResponseWriter, r *http.Request, rp *repo) { s.createMilestone(w, rp, body) }))
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues", s.inRepo(false, s.listIssues))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues", s.inRepo(true, func(w http.ResponseWriter, r *http.Request, rp *repo) { s.createIssue(w, rp, body) }))
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}", s.inIssue(false, func(w http.ResponseWriter, r *http.Request, rp *repo, is *Issue) {
		writeJSON(w, 200, s.renderIssue(rp, is))
	}))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{number}", s.inIssue(true, func(w http.ResponseWriter, r *http.Request, rp *repo, is *Issue) {
		s.editIssue(w, rp, is, body)
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/comments", s.inIssue(false, s.listComments))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/comments", s.inIssue(true, func(w http.ResponseWriter, r *http.Request, rp *repo, is *Issue) {
		s.createComment(w, rp, is, body)
	}))
	mux.HandleFunc("GET /orgs/{org}/projectsV2/{number}/fields", s.inProject(s.projectFields))
	mux.HandleFunc("POST /orgs/{org}/projectsV2/{number}/items", s.inProject(func(w http.ResponseWriter, r *http.Request, p *project) { s.addItem(w, p, body) }))
	mux.HandleFunc("PATCH /orgs/{org}/projectsV2/{number}/items/{item}", s.inProject(func(w http.ResponseWriter, r *http.Request, p *project) { s.editItem(w, r, p, body) }))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.t.Errorf("githubfake: unexpected %s %s", r.Method, r.URL.Path)
		apiError(w, http.StatusNotFound, "Not Found")
	})
	mux.ServeHTTP(w, r)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	login := r.PathValue("login")
	if _, ok := s.users[strings.ToLower(login)]; !ok {
		apiError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, 200, s.publicUser(login, false))
}

// inRepo runs fn with the repository locked; GitHub answers 404 for a
// repository the token cannot see, and 403 for a write it may not make.
func (s *Server) inRepo(write bool, fn func(http.ResponseWriter, *http.Request, *repo)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		rp := s.repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
		switch {
		case rp == nil:
			apiError(w, http.StatusNotFound, "Not Found")
		case write && rp.readOnly:
			w.Header().Set(faultHeader, "refused")
			apiError(w, http.StatusForbidden, "Resource not accessible by personal access token")
		default:
			fn(w, r, rp)
		}
	}
}

func (s *Server) inIssue(write bool, fn func(http.ResponseWriter, *http.Request, *repo, *Issue)) http.HandlerFunc {
	return s.inRepo(write, func(w http.ResponseWriter, r *http.Request, rp *repo) {
		n, _ := strconv.Atoi(r.PathValue("number"))
		if n < 1 || n > len(rp.issues) {
			apiError(w, http.StatusNotFound, "Not Found")
			return
		}
		fn(w, r, rp, rp.issues[n-1])
	})
}

// page answers one page of items with GitHub's Link header.
func page[T any](w http.ResponseWriter, r *http.Request, items []T, render func(T) any, etag bool) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = max(n, 1)
	from := min((n-1)*per, len(items))
	to := min(from+per, len(items))
	out := make([]any, 0, to-from)
	for _, it := range items[from:to] {
		out = append(out, render(it))
	}
	if to < len(items) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n+1))
		next := "http://" + r.Host + r.URL.Path + "?" + q.Encode()
		w.Header().Set("Link", fmt.Sprintf("<%s>; rel=\"next\"", next))
	}
	b, _ := json.Marshal(out)
	if etag {
		sum := sha256.Sum256(b)
		tag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(200)
	w.Write(b)
}

func (s *Server) listLabels(w http.ResponseWriter, r *http.Request, rp *repo) {
	page(w, r, rp.labels, func(l *Label) any { return s.label(rp, l) }, false)
}

func (s *Server) createLabel(w http.ResponseWriter, rp *repo, body []byte) {
	var in struct {
		Name, Color, Description string
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Name == "" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Label", "code": "missing_field", "field": "name"})
		return
	}
	if findLabel(rp, in.Name) != nil {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Label", "code": "already_exists", "field": "name"})
		return
	}
	s.nextID++
	l := &Label{ID: s.nextID, Name: in.Name, Color: strings.TrimPrefix(in.Color, "#"), Description: in.Description}
	if l.Color == "" {
		l.Color = "ededed"
	}
	rp.labels = append(rp.labels, l)
	writeJSON(w, http.StatusCreated, s.label(rp, l))
}

func (s *Server) listMilestones(w http.ResponseWriter, r *http.Request, rp *repo) {
	state := r.URL.Query().Get("state")
	var ms []*Milestone
	for _, m := range rp.milestones {
		if state == "all" || m.State == state || (state == "" && m.State == "open") {
			ms = append(ms, m)
		}
	}
	page(w, r, ms, func(m *Milestone) any { return s.milestone(rp, m) }, false)
}

func (s *Server) createMilestone(w http.ResponseWriter, rp *repo, body []byte) {
	var in struct {
		Title string     `json:"title"`
		DueOn *time.Time `json:"due_on"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Title == "" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Milestone", "code": "missing_field", "field": "title"})
		return
	}
	for _, m := range rp.milestones {
		if m.Title == in.Title {
			apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Milestone", "code": "already_exists", "field": "title"})
			return
		}
	}
	s.nextID++
	m := &Milestone{ID: s.nextID, Number: len(rp.milestones) + 1, Title: in.Title, State: "open", Created: s.now()}
	if in.DueOn != nil {
		m.DueOn = *in.DueOn
	}
	rp.milestones = append(rp.milestones, m)
	writeJSON(w, http.StatusCreated, s.milestone(rp, m))
}

func (s *Server) listIssues(w http.ResponseWriter, r *http.Request, rp *repo) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		var err error
		if since, err = time.Parse(time.RFC3339, v); err != nil {
			apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Issue", "code": "invalid", "field": "since"})
			return
		}
	}
	var want []string
	if v := q.Get("labels"); v != "" {
		want = strings.Split(v, ",")
	}
	var list []*Issue
	for _, is := range rp.issues {
		if state != "all" && is.State != state || is.Updated.Before(since) {
			continue
		}
		if !slices.ContainsFunc(want, func(l string) bool {
			return !slices.ContainsFunc(is.Labels, func(x string) bool { return strings.EqualFold(x, l) })
		}) {
			list = append(list, is)
		}
	}
	key := func(is *Issue) time.Time { return is.Created }
	if q.Get("sort") == "updated" {
		key = func(is *Issue) time.Time { return is.Updated }
	}
	desc := q.Get("direction") != "asc"
	sort.SliceStable(list, func(i, j int) bool {
		a, b := key(list[i]), key(list[j])
		if a.Equal(b) {
			return (list[i].Number > list[j].Number) == desc
		}
		return a.After(b) == desc
	})
	page(w, r, list, func(is *Issue) any { return s.renderIssue(rp, is) }, true)
}

type issueEdit struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
	Assignees   *[]string `json:"assignees"`
	Milestone   *int      `json:"milestone"`
}

func (s *Server) createIssue(w http.ResponseWriter, rp *repo, body []byte) {
	var in issueEdit
	if err := json.Unmarshal(body, &in); err != nil || in.Title == nil || *in.Title == "" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Issue", "code": "missing_field", "field": "title"})
		return
	}
	now := s.now()
	s.nextID++
	is := &Issue{ID: s.nextID, Repo: rp.full, Number: len(rp.issues) + 1, Title: *in.Title, State: "open", Author: Bot,
		Created: now, Updated: now}
	if in.Body != nil {
		is.Body = *in.Body
	}
	if !s.apply(w, rp, is, in) {
		return
	}
	rp.issues = append(rp.issues, is)
	if s.loseCreates > 0 {
		s.loseCreates--
		w.Header().Set(faultHeader, "lost")
		apiError(w, http.StatusBadGateway, "Server Error")
		return
	}
	w.Header().Set("Location", s.api("/repos/%s/issues/%d", rp.full, is.Number))
	writeJSON(w, http.StatusCreated, s.renderIssue(rp, is))
}

func (s *Server) editIssue(w http.ResponseWriter, rp *repo, is *Issue, body []byte) {
	var in issueEdit
	if err := json.Unmarshal(body, &in); err != nil {
		apiError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	c := *is
	if in.Title != nil {
		c.Title = *in.Title
	}
	if in.Body != nil {
		c.Body = *in.Body
	}
	if in.State != nil {
		if *in.State != "open" && *in.State != "closed" {
			apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Issue", "code": "invalid", "field": "state"})
			return
		}
		if *in.State == "closed" && c.State != "closed" {
			c.Closed = s.now()
		}
		if *in.State == "open" {
			c.Closed = time.Time{}
		}
		c.State = *in.State
		c.StateReason = ""
		if in.StateReason != nil {
			c.StateReason = *in.StateReason
		}
	}
	if !s.apply(w, rp, &c, in) {
		return
	}
	c.Updated = s.now()
	*is = c
	writeJSON(w, 200, s.renderIssue(rp, is))
}

// apply sets labels (making unknown ones, as GitHub does for writers),
// assignees (dropping users who cannot be assigned, as GitHub does) and
// the milestone, which must exist.
func (s *Server) apply(w http.ResponseWriter, rp *repo, is *Issue, in issueEdit) bool {
	if in.Milestone != nil {
		if *in.Milestone < 1 || *in.Milestone > len(rp.milestones) {
			apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Issue", "code": "invalid", "field": "milestone", "value": *in.Milestone})
			return false
		}
		is.Milestone = *in.Milestone
	}
	if in.Labels != nil {
		is.Labels = nil
		for _, l := range *in.Labels {
			if findLabel(rp, l) == nil {
				s.nextID++
				rp.labels = append(rp.labels, &Label{ID: s.nextID, Name: l, Color: "ededed"})
			}
			is.Labels = append(is.Labels, findLabel(rp, l).Name)
		}
	}
	if in.Assignees != nil {
		is.Assignees = nil
		for _, a := range *in.Assignees {
			if _, ok := s.users[strings.ToLower(a)]; ok {
				is.Assignees = append(is.Assignees, a)
			}
		}
	}
	return true
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, rp *repo, is *Issue) {
	var cs []*Comment
	for _, c := range rp.comments {
		if c.Number == is.Number {
			cs = append(cs, c)
		}
	}
	page(w, r, cs, func(c *Comment) any { return s.comment(rp, c) }, false)
}

func (s *Server) createComment(w http.ResponseWriter, rp *repo, is *Issue, body []byte) {
	var in struct {
		Body string `json:"body"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Body == "" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "IssueComment", "code": "missing_field", "field": "body"})
		return
	}
	s.nextID++
	c := &Comment{ID: s.nextID, Number: is.Number, Author: Bot, Body: in.Body, Created: s.now()}
	rp.comments = append(rp.comments, c)
	is.Updated = c.Created
	writeJSON(w, http.StatusCreated, s.comment(rp, c))
}
