package jiratest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// decodeStrict decodes body into v, refusing keys v does not have, as
// Jira refuses a misspelled top-level key.
func decodeStrict(w http.ResponseWriter, body []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		jiraError(w, http.StatusBadRequest, []string{"Can not deserialize the request: " + err.Error()}, nil)
		return false
	}
	return true
}

type ref struct {
	ID        string `json:"id,omitempty"`
	Key       string `json:"key,omitempty"`
	Name      string `json:"name,omitempty"`
	AccountID string `json:"accountId,omitempty"`
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// editable are the fields the create and edit screens have.
var editable = []string{"project", "issuetype", "summary", "description", "priority", "labels", "duedate", "assignee"}

func (s *Server) create(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct {
		Fields map[string]json.RawMessage `json:"fields"`
		Update map[string]json.RawMessage `json:"update"`
	}
	if !decodeStrict(w, body, &req) {
		return
	}
	s.mu.Lock()
	is, errs := s.newIssue(req.Fields)
	if len(errs) > 0 {
		s.mu.Unlock()
		jiraError(w, http.StatusBadRequest, nil, errs)
		return
	}
	s.issues = append(s.issues, is)
	drop := s.dropCreate > 0
	if drop {
		s.dropCreate--
	}
	s.mu.Unlock()
	if drop {
		dropConn(w)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": is.ID, "key": is.Key, "self": s.srv.URL + "/rest/api/2/issue/" + is.ID})
}

// newIssue validates fields as the create screen does. It runs with s.mu held.
func (s *Server) newIssue(fields map[string]json.RawMessage) (*Issue, map[string]string) {
	errs := map[string]string{}
	is := &Issue{}
	for name := range fields {
		if !slices.Contains(editable, name) {
			errs[name] = fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", name)
		}
	}
	var proj ref
	if raw, ok := fields["project"]; !ok || json.Unmarshal(raw, &proj) != nil || (proj.Key == "" && proj.ID == "") {
		errs["project"] = "Specify a valid project ID or key"
	} else if _, known := s.projects[proj.Key]; !known {
		errs["project"] = fmt.Sprintf("valid project is required")
	} else {
		is.Project = proj.Key
	}
	var it ref
	if raw, ok := fields["issuetype"]; !ok || json.Unmarshal(raw, &it) != nil || (it.Name == "" && it.ID == "") {
		errs["issuetype"] = "Specify an issue type"
	} else if is.Project != "" && !slices.Contains(s.projects[is.Project], it.Name) {
		errs["issuetype"] = "Specify a valid issue type"
	} else {
		is.IssueType = it.Name
	}
	if raw, ok := fields["summary"]; !ok || json.Unmarshal(raw, &is.Summary) != nil || strings.TrimSpace(is.Summary) == "" {
		errs["summary"] = "You must specify a summary of the issue."
	} else if len([]rune(is.Summary)) > 255 {
		errs["summary"] = "Summary must be less than 255 characters."
	}
	s.applyFields(is, fields, errs)
	if len(errs) > 0 {
		return nil, errs
	}
	s.nextID++
	n := 0
	for _, o := range s.issues {
		if o.Project == is.Project {
			n = max(n, keyNum(o.Key))
		}
	}
	now := s.now()
	is.ID, is.Key = fmt.Sprint(s.nextID), fmt.Sprintf("%s-%d", is.Project, n+1)
	is.Created, is.Updated = now, now
	is.Status = s.workflow.Initial
	return is, nil
}

// applyFields sets the optional editable fields. It runs with s.mu held.
func (s *Server) applyFields(is *Issue, fields map[string]json.RawMessage, errs map[string]string) {
	if raw, ok := fields["description"]; ok && json.Unmarshal(raw, &is.Description) != nil {
		errs["description"] = "Operation value must be a string"
	}
	if raw, ok := fields["priority"]; ok {
		var p ref
		if json.Unmarshal(raw, &p) != nil || !slices.Contains(s.priorities, p.Name) {
			errs["priority"] = "Specify the Priority (name) in the string format"
			if p.Name != "" {
				errs["priority"] = fmt.Sprintf("Priority name '%s' is not valid", p.Name)
			}
		} else {
			is.Priority = p.Name
		}
	}
	if raw, ok := fields["labels"]; ok {
		var labels []string
		if json.Unmarshal(raw, &labels) != nil {
			errs["labels"] = "Operation value must be an array of strings"
		}
		for _, l := range labels {
			if strings.ContainsAny(l, " \t") || l == "" {
				errs["labels"] = "The label '" + l + "' contains spaces which is invalid."
			}
		}
		is.Labels = labels
	}
	if raw, ok := fields["duedate"]; ok {
		var d string
		if json.Unmarshal(raw, &d) != nil || !dateRE.MatchString(d) {
			errs["duedate"] = "Error parsing date string: " + string(raw)
		}
		is.DueDate = d
	}
	if raw, ok := fields["assignee"]; ok {
		var a *ref
		if json.Unmarshal(raw, &a) != nil {
			errs["assignee"] = "expected Object"
		} else if a != nil && s.userByAccount(a.AccountID) == nil {
			errs["assignee"] = "User '" + a.AccountID + "' does not exist."
		} else if a != nil {
			is.Assignee = a.AccountID
		}
	}
}

func (s *Server) issueRoot(w http.ResponseWriter, r *http.Request, key string, body []byte) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		is := s.find(key)
		var out any
		if is != nil {
			out = s.issueJSON(is)
		}
		s.mu.Unlock()
		if is == nil {
			notFound(w)
			return
		}
		writeJSON(w, http.StatusOK, out)
	case http.MethodPut:
		var req struct {
			Fields map[string]json.RawMessage `json:"fields"`
			Update map[string]json.RawMessage `json:"update"`
		}
		if !decodeStrict(w, body, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		is := s.find(key)
		if is == nil {
			notFound(w)
			return
		}
		errs := map[string]string{}
		for name := range req.Fields {
			if name == "project" || name == "issuetype" || !slices.Contains(editable, name) {
				errs[name] = fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", name)
			}
		}
		c := copyIssue(is)
		if s.applyFields(&c, req.Fields, errs); len(errs) > 0 {
			jiraError(w, http.StatusBadRequest, nil, errs)
			return
		}
		c.Updated = s.now()
		*is = c
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func notFound(w http.ResponseWriter) {
	jiraError(w, http.StatusNotFound, []string{"Issue does not exist or you do not have permission to see it."}, nil)
}

// issueJSON renders an issue as GET /issue does. It runs with s.mu held.
func (s *Server) issueJSON(is *Issue) map[string]any {
	st, _ := s.status(is.Status)
	var res any
	if is.Resolution != "" {
		res = map[string]string{"name": is.Resolution}
	}
	var prio any
	if is.Priority != "" {
		prio = map[string]string{"name": is.Priority}
	}
	comments := []map[string]any{}
	for i, c := range is.Comments {
		comments = append(comments, map[string]any{"id": fmt.Sprint(i + 1), "body": c})
	}
	return map[string]any{
		"id": is.ID, "key": is.Key, "self": s.srv.URL + "/rest/api/2/issue/" + is.ID,
		"fields": map[string]any{
			"summary": is.Summary, "description": is.Description, "labels": nonNil(is.Labels),
			"status":   map[string]any{"name": st.Name, "statusCategory": map[string]string{"key": st.Category, "name": categoryName(st.Category)}},
			"priority": prio, "assignee": s.userJSON(is.Assignee), "resolution": res,
			"issuetype": map[string]string{"name": is.IssueType}, "project": map[string]string{"key": is.Project},
			"created": is.Created.UTC().Format("2006-01-02T15:04:05.000-0700"),
			"updated": is.Updated.UTC().Format("2006-01-02T15:04:05.000-0700"),
			"duedate": nilIfEmpty(is.DueDate),
			"comment": map[string]any{"comments": comments, "total": len(comments)},
		},
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func categoryName(key string) string {
	switch key {
	case "new":
		return "To Do"
	case "indeterminate":
		return "In Progress"
	}
	return "Done"
}

func (s *Server) issueSub(w http.ResponseWriter, r *http.Request, key, sub string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.find(key)
	if is == nil {
		notFound(w)
		return
	}
	switch {
	case sub == "assignee" && r.Method == http.MethodPut:
		var req struct {
			AccountID *string `json:"accountId"`
		}
		if !decodeStrict(w, body, &req) {
			return
		}
		if req.AccountID != nil && s.userByAccount(*req.AccountID) == nil {
			jiraError(w, http.StatusBadRequest, nil, map[string]string{"assignee": "User '" + *req.AccountID + "' cannot be assigned issues."})
			return
		}
		is.Assignee = ""
		if req.AccountID != nil {
			is.Assignee = *req.AccountID
		}
		is.Updated = s.now()
		w.WriteHeader(http.StatusNoContent)
	case sub == "transitions" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"expand": "transitions", "transitions": s.transitionsJSON(is)})
	case sub == "transitions" && r.Method == http.MethodPost:
		var req struct {
			Transition ref            `json:"transition"`
			Fields     map[string]any `json:"fields"`
			Update     map[string]any `json:"update"`
		}
		if !decodeStrict(w, body, &req) {
			return
		}
		for _, t := range s.available(is) {
			if t.ID == req.Transition.ID {
				s.setStatus(is, t.To)
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		jiraError(w, http.StatusBadRequest, []string{"Transition id '" + req.Transition.ID + "' is not valid for this issue."}, nil)
	case sub == "comment" && r.Method == http.MethodPost:
		var req struct {
			Body       string `json:"body"`
			Visibility any    `json:"visibility"`
		}
		if !decodeStrict(w, body, &req) {
			return
		}
		if strings.TrimSpace(req.Body) == "" {
			jiraError(w, http.StatusBadRequest, nil, map[string]string{"comment": "Comment body can not be empty!"})
			return
		}
		is.Comments = append(is.Comments, req.Body)
		is.Updated = s.now()
		writeJSON(w, http.StatusCreated, map[string]any{"id": fmt.Sprint(len(is.Comments)), "body": req.Body,
			"author": s.userJSON("acc-bot"), "created": s.now().UTC().Format(time.RFC3339)})
	case sub == "comment" && r.Method == http.MethodGet:
		out := []map[string]any{}
		for i, c := range is.Comments {
			out = append(out, map[string]any{"id": fmt.Sprint(i + 1), "body": c})
		}
		if r.URL.Query().Get("orderBy") == "-created" {
			slices.Reverse(out)
		}
		writeJSON(w, http.StatusOK, map[string]any{"startAt": 0, "maxResults": 5000, "total": len(out), "comments": out})
	case sub == "worklog" && r.Method == http.MethodPost:
		var req struct {
			TimeSpentSeconds int    `json:"timeSpentSeconds"`
			TimeSpent        string `json:"timeSpent"`
			Comment          string `json:"comment"`
			Started          string `json:"started"`
		}
		if !decodeStrict(w, body, &req) {
			return
		}
		secs := req.TimeSpentSeconds
		if secs == 0 && req.TimeSpent != "" {
			if d, err := time.ParseDuration(strings.ReplaceAll(req.TimeSpent, " ", "")); err == nil {
				secs = int(d.Seconds())
			}
		}
		if secs <= 0 {
			jiraError(w, http.StatusBadRequest, nil, map[string]string{"timeLogged": "You must indicate the time spent working."})
			return
		}
		is.Worklogs = append(is.Worklogs, Worklog{TimeSpentSeconds: secs, Comment: req.Comment})
		is.Updated = s.now()
		writeJSON(w, http.StatusCreated, map[string]any{"id": fmt.Sprint(len(is.Worklogs)), "timeSpentSeconds": secs})
	default:
		jiraError(w, http.StatusNotFound, []string{"No resource found for " + r.Method + " " + r.URL.Path}, nil)
	}
}

// available lists the transitions open from the issue's status.
func (s *Server) available(is *Issue) []Transition {
	var out []Transition
	for _, t := range s.workflow.Transitions {
		if t.To != is.Status && (len(t.From) == 0 || slices.Contains(t.From, is.Status)) {
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) transitionsJSON(is *Issue) []map[string]any {
	out := []map[string]any{}
	for _, t := range s.available(is) {
		st, _ := s.status(t.To)
		out = append(out, map[string]any{"id": t.ID, "name": t.Name, "hasScreen": false,
			"to": map[string]any{"name": st.Name, "statusCategory": map[string]string{"key": st.Category, "name": categoryName(st.Category)}}})
	}
	return out
}

// dropConn closes the connection without an answer.
func dropConn(w http.ResponseWriter) { drop(w) }
