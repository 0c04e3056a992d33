package jiratest

import (
	"net/http"
	"slices"
	"strconv"
)

// The one board: 7, a scrum board on OPS, with active sprint 42 and
// future sprint 43.
const (
	boardID      = 7
	activeSprint = 42
	futureSprint = 43
)

func (s *Server) agile(w http.ResponseWriter, r *http.Request, p []string, body []byte) {
	switch {
	case len(p) >= 2 && p[0] == "board" && r.Method == http.MethodGet:
		id, _ := strconv.Atoi(p[1])
		if id != boardID {
			jiraError(w, http.StatusNotFound, []string{"The requested board cannot be viewed because it either does not exist or you do not have permission to view it."}, nil)
			return
		}
		if len(p) == 2 {
			writeJSON(w, http.StatusOK, map[string]any{"id": boardID, "name": "OPS board", "type": "scrum", "location": map[string]any{"projectKey": "OPS"}})
			return
		}
		if len(p) == 3 && p[2] == "sprint" {
			sprints := []map[string]any{
				{"id": activeSprint, "name": "OPS Sprint 23", "state": "active", "originBoardId": boardID},
				{"id": futureSprint, "name": "OPS Sprint 24", "state": "future", "originBoardId": boardID},
			}
			if st := r.URL.Query().Get("state"); st != "" {
				sprints = slices.DeleteFunc(sprints, func(m map[string]any) bool { return m["state"] != st })
			}
			writeJSON(w, http.StatusOK, map[string]any{"maxResults": 50, "startAt": 0, "isLast": true, "values": sprints})
			return
		}
	case len(p) == 3 && p[0] == "sprint" && p[2] == "issue" && r.Method == http.MethodPost:
		id, _ := strconv.Atoi(p[1])
		if id != activeSprint && id != futureSprint {
			jiraError(w, http.StatusBadRequest, []string{"Sprint " + p[1] + " is closed or does not exist."}, nil)
			return
		}
		s.moveIssues(w, body, id)
		return
	case len(p) == 2 && p[0] == "backlog" && p[1] == "issue" && r.Method == http.MethodPost:
		s.moveIssues(w, body, 0)
		return
	}
	jiraError(w, http.StatusNotFound, []string{"No resource found for " + r.Method + " " + r.URL.Path}, nil)
}

func (s *Server) moveIssues(w http.ResponseWriter, body []byte, sprint int) {
	var req struct {
		Issues []string `json:"issues"`
	}
	if !decodeStrict(w, body, &req) {
		return
	}
	if len(req.Issues) == 0 || len(req.Issues) > 50 {
		jiraError(w, http.StatusBadRequest, []string{"Between 1 and 50 issues can be moved at once."}, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range req.Issues {
		if s.find(k) == nil {
			jiraError(w, http.StatusBadRequest, []string{"Issue " + k + " does not exist."}, nil)
			return
		}
	}
	for _, k := range req.Issues {
		is := s.find(k)
		is.Sprint, is.Updated = sprint, s.now()
	}
	w.WriteHeader(http.StatusNoContent)
}
