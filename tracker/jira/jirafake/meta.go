package jirafake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (c *call) myself() reply {
	return reply{status: http.StatusOK, body: c.userJSON(*c.s.findUser(BotAccountID))}
}

// userSearch finds users by exact email (case-insensitive) or by a prefix
// of their display name or of one of its words.
func (c *call) userSearch() reply {
	q := c.r.URL.Query()
	query, accountID := strings.TrimSpace(q.Get("query")), q.Get("accountId")
	if query == "" && accountID == "" {
		return jiraError(http.StatusBadRequest, "One of 'query' or 'accountId' query parameters must be provided.")
	}
	start, max, bad := paging(q.Get("startAt"), q.Get("maxResults"))
	if bad != nil {
		return *bad
	}
	found := []any{}
	for _, u := range c.s.users {
		if (accountID != "" && u.accountID == accountID) || (query != "" && userMatches(u, query)) {
			found = append(found, c.userJSON(u))
		}
	}
	start = min(start, len(found))
	return reply{status: http.StatusOK, body: found[start:min(start+max, len(found))]}
}

func userMatches(u user, query string) bool {
	query = strings.ToLower(query)
	if strings.EqualFold(u.email, query) {
		return true
	}
	name := strings.ToLower(u.name)
	if strings.HasPrefix(name, query) {
		return true
	}
	for _, w := range strings.Fields(name) {
		if strings.HasPrefix(w, query) {
			return true
		}
	}
	return false
}

func (c *call) getUser() reply {
	id := c.r.URL.Query().Get("accountId")
	if id == "" {
		return jiraError(http.StatusBadRequest, "The accountId query parameter needs to be provided.")
	}
	u := c.s.findUser(id)
	if u == nil {
		return jiraError(http.StatusNotFound, "Specified user does not exist or you do not have required permissions")
	}
	return reply{status: http.StatusOK, body: c.userJSON(*u)}
}

func (c *call) getProject() reply {
	p := c.s.findProject(c.params[0])
	if p == nil {
		by := "key"
		if _, err := strconv.Atoi(c.params[0]); err == nil {
			by = "id"
		}
		return jiraError(http.StatusNotFound, fmt.Sprintf("No project could be found with %s '%s'.", by, c.params[0]))
	}
	return reply{status: http.StatusOK, body: c.projectJSON(p)}
}

func (c *call) projectJSON(p *project) map[string]any {
	types := []any{}
	for _, id := range p.types {
		types = append(types, map[string]any{"id": id, "name": c.s.typeName(id), "subtask": false,
			"self": c.apiBase() + "/issuetype/" + id})
	}
	return map[string]any{"id": p.id, "key": p.key, "name": p.name, "self": c.apiBase() + "/project/" + p.id,
		"projectTypeKey": "software", "simplified": false, "style": "classic", "issueTypes": types,
		"lead": c.userJSON(*c.s.findUser(BotAccountID))}
}

func (c *call) getPriorities() reply {
	list := []any{}
	for _, p := range c.s.priorities {
		list = append(list, c.priorityJSON(p))
	}
	return reply{status: http.StatusOK, body: list}
}

// paging reads startAt and maxResults (default 50).
func paging(startAt, maxResults string) (int, int, *reply) {
	start, max := 0, 50
	for _, p := range []struct {
		name, v string
		dst     *int
	}{{"startAt", startAt, &start}, {"maxResults", maxResults, &max}} {
		if p.v == "" {
			continue
		}
		n, err := strconv.Atoi(p.v)
		if err != nil || n < 0 {
			rp := jiraError(http.StatusBadRequest, fmt.Sprintf("The value '%s' is not valid for the parameter '%s'.", p.v, p.name))
			return 0, 0, &rp
		}
		*p.dst = n
	}
	return start, max, nil
}
