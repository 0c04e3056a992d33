package jiratest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clause is one condition of a JQL query: field op value(s).
type clause struct {
	field, op string
	values    []string
}

// query is a parsed JQL query: clauses joined by AND, and an order.
type query struct {
	clauses []clause
	orderBy string
	desc    bool
}

// parseJQL reads the subset of JQL a bot's sync needs; anything else is
// an error, as Jira's parser would give for a typo.
func parseJQL(s string) (query, error) {
	toks, err := lex(s)
	if err != nil {
		return query{}, err
	}
	var q query
	i := 0
	next := func() string {
		if i >= len(toks) {
			return ""
		}
		i++
		return toks[i-1]
	}
	for i < len(toks) {
		if strings.EqualFold(toks[i], "ORDER") {
			i++
			if !strings.EqualFold(next(), "BY") {
				return q, fmt.Errorf("expecting 'BY' after 'ORDER'")
			}
			q.orderBy = strings.ToLower(next())
			if d := strings.ToUpper(next()); d == "DESC" {
				q.desc = true
			} else if d != "" && d != "ASC" {
				return q, fmt.Errorf("expecting ASC or DESC, got %q", d)
			}
			break
		}
		if len(q.clauses) > 0 {
			if !strings.EqualFold(next(), "AND") {
				return q, fmt.Errorf("expecting 'AND' or 'ORDER BY' at position %d", i)
			}
		}
		c := clause{field: strings.ToLower(next()), op: strings.ToLower(next())}
		switch c.field {
		case "labels", "project", "key", "updated", "created", "status", "statuscategory":
		default:
			return q, fmt.Errorf("field '%s' does not exist or you do not have permission to view it", c.field)
		}
		switch c.op {
		case "=", "!=", ">=", "<=", ">", "<":
			v := next()
			if v == "" {
				return q, fmt.Errorf("expecting a value after '%s'", c.op)
			}
			c.values = []string{v}
		case "in":
			if next() != "(" {
				return q, fmt.Errorf("expecting '(' after 'in'")
			}
			for {
				v := next()
				if v == "" {
					return q, fmt.Errorf("unclosed list")
				}
				c.values = append(c.values, v)
				if sep := next(); sep == ")" {
					break
				} else if sep != "," {
					return q, fmt.Errorf("expecting ',' or ')' in a list")
				}
			}
		default:
			return q, fmt.Errorf("unknown operator '%s'", c.op)
		}
		q.clauses = append(q.clauses, c)
	}
	return q, nil
}

func lex(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at position %d", i)
			}
			out = append(out, s[i+1:i+1+j])
			i += j + 2
		case c == '(' || c == ')' || c == ',':
			out = append(out, string(c))
			i++
		case strings.ContainsRune("=!<>", rune(c)):
			j := i + 1
			for j < len(s) && strings.ContainsRune("=!<>", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()=!<>,\"'", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

// matches runs with s.mu held.
func (s *Server) matches(is *Issue, q query, now time.Time) bool {
	for _, c := range q.clauses {
		if !s.holds(is, c, now) {
			return false
		}
	}
	return true
}

func (s *Server) holds(is *Issue, c clause, now time.Time) bool {
	st, _ := s.status(is.Status)
	has := func(v string) bool {
		switch c.field {
		case "labels":
			return slices.Contains(is.Labels, v)
		case "project":
			return strings.EqualFold(is.Project, v)
		case "key":
			return strings.EqualFold(is.Key, v)
		case "status":
			return strings.EqualFold(is.Status, v)
		case "statuscategory":
			return strings.EqualFold(categoryName(st.Category), v) || strings.EqualFold(st.Category, v)
		}
		return false
	}
	switch c.field {
	case "updated", "created":
		at := is.Updated
		if c.field == "created" {
			at = is.Created
		}
		ref, ok := jqlTime(c.values[0], now)
		if !ok {
			return false
		}
		switch c.op {
		case ">=":
			return !at.Before(ref)
		case ">":
			return at.After(ref)
		case "<=":
			return !at.After(ref)
		case "<":
			return at.Before(ref)
		}
		return false
	}
	switch c.op {
	case "=":
		return has(c.values[0])
	case "!=":
		return !has(c.values[0])
	case "in":
		return slices.ContainsFunc(c.values, has)
	}
	return false
}

// jqlTime reads "-15m", "-2h", "-1d", "-1w" or "2026/11/23 10:00" (UTC).
func jqlTime(v string, now time.Time) (time.Time, bool) {
	if strings.HasPrefix(v, "-") && len(v) > 2 {
		n, err := strconv.Atoi(v[1 : len(v)-1])
		if err != nil {
			return time.Time{}, false
		}
		unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[v[len(v)-1]]
		if unit == 0 {
			return time.Time{}, false
		}
		return now.Add(-time.Duration(n) * unit), true
	}
	for _, layout := range []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct {
		JQL           string   `json:"jql"`
		MaxResults    int      `json:"maxResults"`
		NextPageToken string   `json:"nextPageToken"`
		Fields        []string `json:"fields"`
		Expand        string   `json:"expand"`
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.JQL, req.NextPageToken = q.Get("jql"), q.Get("nextPageToken")
		req.MaxResults, _ = strconv.Atoi(q.Get("maxResults"))
	case http.MethodPost:
		if !decodeStrict(w, body, &req) {
			return
		}
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	q, err := parseJQL(req.JQL)
	if err != nil {
		jiraError(w, http.StatusBadRequest, []string{"Error in the JQL Query: " + err.Error()}, nil)
		return
	}
	if req.MaxResults <= 0 {
		req.MaxResults = 50
	}
	req.MaxResults = min(req.MaxResults, 100)
	start := 0
	if req.NextPageToken != "" {
		if _, err := fmt.Sscanf(req.NextPageToken, "page-%d", &start); err != nil {
			jiraError(w, http.StatusBadRequest, []string{"The provided next page token is invalid or expired."}, nil)
			return
		}
	}
	s.mu.Lock()
	now := s.now()
	var found []*Issue
	for _, is := range s.issues {
		if s.matches(is, q, now) {
			found = append(found, is)
		}
	}
	sortIssues(found, q)
	end := min(start+req.MaxResults, len(found))
	page := []map[string]any{}
	for _, is := range found[min(start, len(found)):end] {
		page = append(page, s.issueJSON(is))
	}
	s.mu.Unlock()
	out := map[string]any{"issues": page, "isLast": end >= len(found)}
	if end < len(found) {
		out["nextPageToken"] = fmt.Sprintf("page-%d", end)
	}
	writeJSON(w, http.StatusOK, out)
}

func sortIssues(is []*Issue, q query) {
	slices.SortStableFunc(is, func(a, b *Issue) int {
		var c int
		switch q.orderBy {
		case "updated":
			c = a.Updated.Compare(b.Updated)
		case "created":
			c = a.Created.Compare(b.Created)
		default:
			c = keyNum(a.Key) - keyNum(b.Key)
		}
		if q.desc {
			return -c
		}
		return c
	})
}
