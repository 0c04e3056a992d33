package jiratest

import (
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// removed is Jira Cloud's answer on the search endpoints it removed.
const removed = `{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"],"errors":{}}`

// recorder keeps the status a handler wrote, for Requests.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: body})
	fault := s.fault()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.requests[idx].Status = rec.status
		s.mu.Unlock()
	}()
	if fault != nil {
		fault(rec, r)
		return
	}
	if !s.authorized(r) {
		jiraError(rec, http.StatusUnauthorized, []string{"Client must be authenticated to access this resource."}, nil)
		return
	}
	s.mu.Lock()
	forbidden := s.forbidden
	s.mu.Unlock()
	if forbidden {
		jiraError(rec, http.StatusForbidden, []string{"You do not have the permission to see the specified issue."}, nil)
		return
	}
	if (r.Method == http.MethodPost || r.Method == http.MethodPut) && len(body) > 0 &&
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		jiraError(rec, http.StatusUnsupportedMediaType, []string{"Unsupported media type: use application/json"}, nil)
		return
	}
	s.route(rec, r, body)
}

// fault returns what to do instead of answering, if a fault is armed.
// It runs with s.mu held.
func (s *Server) fault() func(http.ResponseWriter, *http.Request) {
	switch {
	case s.hangNext > 0:
		s.hangNext--
		hold := s.hold
		return func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-hold:
			}
		}
	case s.down:
		return htmlError(http.StatusServiceUnavailable)
	case s.failNext > 0:
		s.failNext--
		return htmlError(s.failStatus)
	case s.limitNext > 0:
		s.limitNext--
		after := strconv.Itoa(int(s.retryAfter.Seconds()))
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", after)
			jiraError(w, http.StatusTooManyRequests, []string{"Rate limit exceeded."}, nil)
		}
	case s.failRate > 0 && s.rng.Float64() < s.failRate:
		return htmlError(http.StatusInternalServerError)
	}
	return nil
}

func htmlError(status int) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		io.WriteString(w, "<html><body><h1>"+strconv.Itoa(status)+" "+http.StatusText(status)+"</h1></body></html>")
	}
}

func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Basic ")
	if !ok {
		return false
	}
	dec, err := base64.StdEncoding.DecodeString(raw)
	return err == nil && string(dec) == User+":"+Token
}

// route dispatches on method and path as Jira Cloud does; anything it
// does not know is 404 with Jira's body, so a wrong path shows.
func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte) {
	p := splitPath(r.URL.Path)
	m := r.Method
	switch {
	case len(p) == 4 && p[0] == "rest" && p[1] == "api" && p[3] == "search":
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusGone)
		io.WriteString(w, removed)
	case match(p, "rest", "api", "2", "search", "jql"):
		s.search(w, r, body)
	case match(p, "rest", "api", "2", "issue") && m == http.MethodPost:
		s.create(w, r, body)
	case len(p) == 5 && match(p[:4], "rest", "api", "2", "issue"):
		s.issueRoot(w, r, p[4], body)
	case len(p) == 6 && match(p[:4], "rest", "api", "2", "issue"):
		s.issueSub(w, r, p[4], p[5], body)
	case match(p, "rest", "api", "2", "user", "search") && m == http.MethodGet:
		s.userSearch(w, r)
	case match(p, "rest", "api", "2", "user") && m == http.MethodGet:
		s.user(w, r)
	case match(p, "rest", "api", "2", "myself") && m == http.MethodGet:
		writeJSON(w, http.StatusOK, s.userJSONLocked("acc-bot"))
	case match(p, "rest", "api", "2", "priority") && m == http.MethodGet:
		s.priorityList(w)
	case len(p) == 5 && match(p[:4], "rest", "api", "2", "project") && m == http.MethodGet:
		s.project(w, p[4])
	case len(p) >= 4 && p[0] == "rest" && p[1] == "agile" && p[2] == "1.0":
		s.agile(w, r, p[3:], body)
	default:
		jiraError(w, http.StatusNotFound, []string{"No resource found for " + m + " " + r.URL.Path}, nil)
	}
}

func match(p []string, want ...string) bool {
	if len(p) != len(want) {
		return false
	}
	for i := range p {
		if p[i] != want[i] {
			return false
		}
	}
	return true
}

func (s *Server) userJSONLocked(id string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userJSON(id)
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		if rec, isRec := w.(*recorder); isRec {
			hj, ok = rec.ResponseWriter.(http.Hijacker)
		}
	}
	if !ok {
		panic("jiratest: cannot hijack the connection")
	}
	conn, buf, err := hj.Hijack()
	if err == nil {
		buf.Flush()
		conn.Close()
	}
}
