package jirafake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// route is one method on one path. A "{}" segment matches any segment.
type route struct {
	method       string
	segs         []string
	h            func(*call) reply
	consumesJSON bool
	v3           bool
	// always means the route answers also when the user is forbidden.
	always bool
}

var routes = buildRoutes()

func buildRoutes() []route {
	var rs []route
	add := func(method, path string, h func(*call) reply, opts ...string) {
		for _, v := range []string{"2", "3"} {
			if !strings.Contains(path, "{api}") && v == "3" {
				continue
			}
			p := strings.ReplaceAll(path, "{api}", "/rest/api/"+v)
			rt := route{method: method, segs: strings.Split(strings.Trim(p, "/"), "/"), h: h, v3: v == "3"}
			rt.consumesJSON = method == http.MethodPost || method == http.MethodPut
			for _, o := range opts {
				switch o {
				case "nobody":
					rt.consumesJSON = false
				case "always":
					rt.always = true
				}
			}
			rs = append(rs, rt)
		}
	}
	add("POST", "{api}/issue", (*call).createIssue)
	add("GET", "{api}/issue/{}", (*call).getIssue)
	add("PUT", "{api}/issue/{}", (*call).editIssue)
	add("PUT", "{api}/issue/{}/assignee", (*call).assign)
	add("GET", "{api}/issue/{}/transitions", (*call).getTransitions)
	add("POST", "{api}/issue/{}/transitions", (*call).doTransition)
	add("GET", "{api}/issue/{}/comment", (*call).getComments)
	add("POST", "{api}/issue/{}/comment", (*call).addComment)
	add("GET", "{api}/issue/{}/worklog", (*call).getWorklogs)
	add("POST", "{api}/issue/{}/worklog", (*call).addWorklog)
	add("GET", "{api}/search/jql", (*call).searchGet)
	add("POST", "{api}/search/jql", (*call).searchPost)
	// The old search is gone whatever the request looks like.
	add("GET", "{api}/search", (*call).searchGone)
	add("POST", "{api}/search", (*call).searchGone, "nobody")
	add("GET", "{api}/user/search", (*call).userSearch)
	add("GET", "{api}/user", (*call).getUser)
	add("GET", "{api}/myself", (*call).myself, "always")
	add("GET", "{api}/project/{}", (*call).getProject)
	add("GET", "{api}/priority", (*call).getPriorities)
	add("GET", "/rest/agile/1.0/board", (*call).listBoards)
	add("GET", "/rest/agile/1.0/board/{}", (*call).getBoard)
	add("GET", "/rest/agile/1.0/board/{}/sprint", (*call).boardSprints)
	add("GET", "/rest/agile/1.0/sprint/{}", (*call).getSprint)
	add("POST", "/rest/agile/1.0/sprint/{}/issue", (*call).moveToSprint)
	add("POST", "/rest/agile/1.0/backlog/issue", (*call).moveToBacklog)
	return rs
}

// match finds the route for path and method. With no route for the
// method but some for the path, allowed lists the path's methods.
func match(path, method string) (rt *route, params []string, allowed string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var methods []string
	for i := range routes {
		p, ok := matchSegs(routes[i].segs, segs)
		if !ok {
			continue
		}
		if routes[i].method == method {
			return &routes[i], p, ""
		}
		if !slices.Contains(methods, routes[i].method) {
			methods = append(methods, routes[i].method)
		}
	}
	sort.Strings(methods)
	return nil, nil, strings.Join(methods, ",")
}

func matchSegs(pattern, segs []string) ([]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pattern {
		switch {
		case p == "{}" && segs[i] != "":
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// jiraError is Jira's error body with messages and no field errors.
func jiraError(status int, messages ...string) reply {
	if messages == nil {
		messages = []string{}
	}
	return reply{status: status, body: map[string]any{"errorMessages": messages, "errors": map[string]string{}}}
}

// fieldErrors is Jira's 400 for invalid fields.
func fieldErrors(errs map[string]string) reply {
	return reply{status: http.StatusBadRequest, body: map[string]any{"errorMessages": []string{}, "errors": errs}}
}

func fieldError(field, msg string) reply {
	return fieldErrors(map[string]string{field: msg})
}

func noContent() reply { return reply{status: http.StatusNoContent} }

// decodeObject decodes the body as a JSON object whose top-level keys are
// all among known, as Jira's beans do: an unknown key is a 400 naming the
// bean, which catches a misspelled key such as "field" for "fields".
func decodeObject(body []byte, bean string, known ...string) (map[string]json.RawMessage, *reply) {
	if len(bytes.TrimSpace(body)) == 0 {
		rp := jiraError(http.StatusBadRequest, "No content to map to Object due to end of input")
		return nil, &rp
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		msg := "Can not deserialize instance of " + bean + " out of the given JSON"
		if err != nil {
			msg = fmt.Sprintf("Unexpected character in JSON: %v", err)
		}
		rp := jiraError(http.StatusBadRequest, msg)
		return nil, &rp
	}
	for k := range m {
		if !slices.Contains(known, k) {
			rp := jiraError(http.StatusBadRequest, fmt.Sprintf("Unrecognized field %q (Class %s), not marked as ignorable", k, bean))
			return nil, &rp
		}
	}
	return m, nil
}

// isNull reports whether a raw value is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
