package githubfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) inProject(fn func(http.ResponseWriter, *http.Request, *project)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		n, _ := strconv.Atoi(r.PathValue("number"))
		p := s.projects[projectKey(r.PathValue("org"), n)]
		if p == nil {
			apiError(w, http.StatusNotFound, "Not Found")
			return
		}
		fn(w, r, p)
	}
}

func (s *Server) projectURL(p *project) string {
	return s.api("/orgs/%s/projectsV2/%d", p.owner, p.number)
}

func (s *Server) projectFields(w http.ResponseWriter, r *http.Request, p *project) {
	iters := []any{}
	for _, it := range p.iters {
		iters = append(iters, map[string]any{"id": it.ID, "start_date": it.Start.Format(time.DateOnly), "duration": it.Days,
			"title": map[string]any{"raw": it.Title, "html": it.Title}, "completed": false})
	}
	fields := []any{
		map[string]any{"id": p.fieldID - 1000000, "node_id": "PVTF_title", "name": "Title", "data_type": "title",
			"project_url": s.projectURL(p), "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"},
		map[string]any{"id": p.fieldID, "node_id": "PVTIF_" + strconv.FormatInt(p.fieldID, 10), "name": "Iteration",
			"data_type": "iteration", "project_url": s.projectURL(p), "created_at": "2026-01-01T00:00:00Z",
			"updated_at": "2026-01-01T00:00:00Z", "configuration": map[string]any{"start_day": 1, "duration": 14, "iterations": iters}},
	}
	writeJSON(w, 200, fields)
}

func (s *Server) renderItem(p *project, it *item) map[string]any {
	return map[string]any{"id": it.id, "node_id": "PVTI_" + strconv.FormatInt(it.id, 10), "content_type": "Issue",
		"creator": s.user(Bot), "created_at": stamp(it.created), "updated_at": stamp(it.updated), "archived_at": nil,
		"project_url": s.projectURL(p), "item_url": s.projectURL(p) + "/items/" + strconv.FormatInt(it.id, 10)}
}

// addItem adds an issue to the project; adding one it has returns it.
func (s *Server) addItem(w http.ResponseWriter, p *project, body []byte) {
	var in struct {
		Type string `json:"type"`
		ID   int64  `json:"id"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Type != "Issue" {
		apiError(w, http.StatusUnprocessableEntity, "Validation Failed")
		return
	}
	found := false
	for _, rp := range s.repos {
		found = found || slices.ContainsFunc(rp.issues, func(is *Issue) bool { return is.ID == in.ID })
	}
	if !found {
		apiError(w, http.StatusNotFound, "Not Found")
		return
	}
	if id, ok := p.byContent[in.ID]; ok {
		writeJSON(w, http.StatusCreated, s.renderItem(p, p.items[id]))
		return
	}
	s.nextID++
	now := s.now()
	it := &item{id: s.nextID, issueID: in.ID, created: now, updated: now}
	p.items[it.id], p.byContent[in.ID] = it, it.id
	writeJSON(w, http.StatusCreated, s.renderItem(p, it))
}

func (s *Server) editItem(w http.ResponseWriter, r *http.Request, p *project, body []byte) {
	id, _ := strconv.ParseInt(r.PathValue("item"), 10, 64)
	it := p.items[id]
	if it == nil {
		apiError(w, http.StatusNotFound, "Not Found")
		return
	}
	var in struct {
		Fields []struct {
			ID    int64 `json:"id"`
			Value any   `json:"value"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		apiError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	for _, f := range in.Fields {
		v, _ := f.Value.(string)
		if f.ID != p.fieldID || !slices.ContainsFunc(p.iters, func(x Iteration) bool { return x.ID == v }) {
			apiError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "ProjectV2Item", "code": "invalid", "field": "fields"})
			return
		}
		it.iteration = strings.Clone(v)
	}
	it.updated = s.now()
	writeJSON(w, 200, s.renderItem(p, it))
}
