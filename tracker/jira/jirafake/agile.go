package jirafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const agileBase = "/rest/agile/1.0"

func (c *call) boardJSON(b *board) map[string]any {
	p := c.s.findProject(b.projectKey)
	loc := map[string]any{"projectKey": b.projectKey, "projectTypeKey": "software"}
	if p != nil {
		id, _ := strconv.Atoi(p.id)
		loc["projectId"], loc["projectName"] = id, p.name
		loc["displayName"] = fmt.Sprintf("%s (%s)", p.name, p.key)
		loc["name"] = loc["displayName"]
	}
	return map[string]any{"id": b.id, "self": c.s.srv.URL + agileBase + "/board/" + strconv.Itoa(b.id),
		"name": b.name, "type": "scrum", "location": loc}
}

func sprintJSON(c *call, sp *sprint) map[string]any {
	return map[string]any{"id": sp.id, "self": c.s.srv.URL + agileBase + "/sprint/" + strconv.Itoa(sp.id),
		"state": sp.state, "name": sp.name, "originBoardId": sp.board, "boardId": sp.board, "goal": ""}
}

// agilePage is the Agile API's page of values.
func agilePage(values []any, start, max int) reply {
	start = min(start, len(values))
	end := min(start+max, len(values))
	return reply{status: http.StatusOK, body: map[string]any{"maxResults": max, "startAt": start,
		"total": len(values), "isLast": end >= len(values), "values": values[start:end]}}
}

func (c *call) boardParam() (*board, *reply) {
	id, err := strconv.Atoi(c.params[0])
	b := c.s.findBoard(id)
	if err != nil || b == nil {
		rp := jiraError(http.StatusNotFound, "Board does not exist or you do not have permission to see it.")
		return nil, &rp
	}
	return b, nil
}

func (c *call) listBoards() reply {
	q := c.r.URL.Query()
	start, max, bad := paging(q.Get("startAt"), q.Get("maxResults"))
	if bad != nil {
		return *bad
	}
	values := []any{}
	for _, b := range c.s.boards {
		if p := q.Get("projectKeyOrId"); p != "" {
			if pr := c.s.findProject(p); pr == nil || pr.key != b.projectKey {
				continue
			}
		}
		if t := q.Get("type"); t != "" && !slices.Contains(strings.Split(t, ","), "scrum") {
			continue
		}
		values = append(values, c.boardJSON(b))
	}
	return agilePage(values, start, max)
}

func (c *call) getBoard() reply {
	b, bad := c.boardParam()
	if bad != nil {
		return *bad
	}
	return reply{status: http.StatusOK, body: c.boardJSON(b)}
}

func (c *call) boardSprints() reply {
	b, bad := c.boardParam()
	if bad != nil {
		return *bad
	}
	q := c.r.URL.Query()
	start, max, bad := paging(q.Get("startAt"), q.Get("maxResults"))
	if bad != nil {
		return *bad
	}
	var states []string
	if st := q.Get("state"); st != "" {
		for _, s := range strings.Split(st, ",") {
			s = strings.TrimSpace(s)
			if s != "future" && s != "active" && s != "closed" {
				return jiraError(http.StatusBadRequest, fmt.Sprintf("The sprint state '%s' is not valid. Valid states are: future, active, closed.", s))
			}
			states = append(states, s)
		}
	}
	values := []any{}
	for _, sp := range c.s.sprints {
		if sp.board == b.id && (states == nil || slices.Contains(states, sp.state)) {
			values = append(values, sprintJSON(c, sp))
		}
	}
	return agilePage(values, start, max)
}

func (c *call) sprintParam() (*sprint, *reply) {
	id, err := strconv.Atoi(c.params[0])
	sp := c.s.findSprint(id)
	if err != nil || sp == nil {
		rp := jiraError(http.StatusNotFound, "Sprint does not exist or you do not have permission to see it.")
		return nil, &rp
	}
	return sp, nil
}

func (c *call) getSprint() reply {
	sp, bad := c.sprintParam()
	if bad != nil {
		return *bad
	}
	return reply{status: http.StatusOK, body: sprintJSON(c, sp)}
}

// moveIssues reads {"issues":[...]} (at most 50 keys or ids) and moves
// them to sprint id (0: the backlog). A change bumps updated.
func (c *call) moveIssues(sprintID int) reply {
	top, bad := decodeObject(c.body, "com.atlassian.greenhopper.api.rest.bean.IssueAssignRequestBean",
		"issues", "rankBeforeIssue", "rankAfterIssue", "rankCustomFieldId")
	if bad != nil {
		return *bad
	}
	var keys []string
	if err := json.Unmarshal(top["issues"], &keys); err != nil || len(keys) == 0 {
		return jiraError(http.StatusBadRequest, "issues: must not be empty")
	}
	if len(keys) > 50 {
		return jiraError(http.StatusBadRequest, "issues: the number of issues must not exceed 50")
	}
	var found []*issue
	for _, k := range keys {
		is := c.s.findIssue(k)
		if is == nil {
			return jiraError(http.StatusBadRequest, fmt.Sprintf("Issue '%s' does not exist or you do not have permission to see it.", k))
		}
		found = append(found, is)
	}
	now := c.s.now()
	for _, is := range found {
		if is.sprint != sprintID {
			is.sprint = sprintID
			is.updated = now
		}
	}
	return noContent()
}

func (c *call) moveToSprint() reply {
	sp, bad := c.sprintParam()
	if bad != nil {
		return *bad
	}
	if sp.state == "closed" {
		return jiraError(http.StatusBadRequest, "Issues can only be moved to an active or future sprint.")
	}
	return c.moveIssues(sp.id)
}

func (c *call) moveToBacklog() reply { return c.moveIssues(0) }
