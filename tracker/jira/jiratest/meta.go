package jiratest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (s *Server) userSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(r.URL.Query().Get("query"))
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, u := range s.users {
		if q != "" && (strings.EqualFold(u.Email, q) || strings.HasPrefix(strings.ToLower(u.Name), q)) {
			out = append(out, s.userJSON(u.AccountID))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("accountId")
	s.mu.Lock()
	u := s.userJSON(id)
	s.mu.Unlock()
	if id == "" || u == nil {
		jiraError(w, http.StatusNotFound, []string{fmt.Sprintf("Specified user does not exist or you do not have required permissions")}, nil)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) priorityList(w http.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]string{}
	for i, p := range s.priorities {
		out = append(out, map[string]string{"id": strconv.Itoa(i + 1), "name": p, "self": s.srv.URL + "/rest/api/2/priority/" + strconv.Itoa(i+1)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) project(w http.ResponseWriter, key string) {
	s.mu.Lock()
	types, ok := s.projects[key]
	s.mu.Unlock()
	if !ok {
		jiraError(w, http.StatusNotFound, []string{"No project could be found with key '" + key + "'."}, nil)
		return
	}
	its := []map[string]string{}
	for i, t := range types {
		its = append(its, map[string]string{"id": strconv.Itoa(10001 + i), "name": t})
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": "10000", "key": key, "name": key, "issueTypes": its})
}
