package jirafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

const noIssue = "Issue does not exist or you do not have permission to see it."

// issueParam finds the issue named in the path, or answers Jira's 404.
func (c *call) issueParam() (*issue, *reply) {
	is := c.s.findIssue(c.params[0])
	if is == nil {
		rp := jiraError(http.StatusNotFound, noIssue)
		return nil, &rp
	}
	return is, nil
}

func (c *call) getIssue() reply {
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	return reply{status: http.StatusOK, body: c.issueJSON(is, parseFields(c.r.URL.Query()["fields"], true))}
}

func (c *call) editIssue() reply {
	top, bad := decodeObject(c.body, issueBean, issueBeanKeys...)
	if bad != nil {
		return *bad
	}
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(top["fields"], &fields); err != nil && !isNull(top["fields"]) {
		return jiraError(http.StatusBadRequest, "Can not deserialize instance of the issue fields out of the given JSON")
	}
	ed := editor{c: c, errs: map[string]string{}}
	for name, raw := range fields {
		switch name {
		case "summary", "description", "priority", "labels", "duedate", "assignee":
			ed.field(name, raw)
		default:
			ed.errs[name] = notSettable(name)
		}
	}
	ed.update(top["update"])
	if len(ed.errs) > 0 {
		return fieldErrors(ed.errs)
	}
	ed.apply(is, c.s.now())
	return noContent()
}

// userBeanKeys are the keys of Jira's user bean; go-jira sends a whole
// user (with an empty avatarUrls) to assign.
var userBeanKeys = []string{"accountId", "accountType", "name", "key", "emailAddress", "avatarUrls",
	"displayName", "active", "timeZone", "locale", "self", "applicationKeys", "groups", "expand"}

func (c *call) assign() reply {
	top, bad := decodeObject(c.body, "com.atlassian.jira.rest.v2.issue.UserBean", userBeanKeys...)
	if bad != nil {
		return *bad
	}
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	_, hasID := top["accountId"]
	if !hasID {
		if _, ok := top["name"]; ok {
			return fieldError("name", "The 'name' of a user is no longer supported; use 'accountId'.")
		}
		return jiraError(http.StatusBadRequest, "accountId must be specified")
	}
	var id string
	if !isNull(top["accountId"]) {
		if err := json.Unmarshal(top["accountId"], &id); err != nil {
			return fieldError("accountId", "accountId must be a string")
		}
	}
	// "-1" asks for the project's default assignee, which here is nobody.
	if id == "-1" {
		id = ""
	}
	if id != "" && c.s.findUser(id) == nil {
		return fieldError("assignee", fmt.Sprintf("User '%s' does not exist.", id))
	}
	if swap(&is.assignee, id) {
		is.updated = c.s.now()
	}
	return noContent()
}

// commentBeanKeys are the keys of Jira's comment bean, including the
// read-only ones go-jira sends empty.
var commentBeanKeys = []string{"body", "visibility", "properties", "author", "updateAuthor", "created",
	"updated", "id", "self", "renderedBody", "jsdPublic", "jsdAuthorCanSeeRequest"}

func (c *call) addComment() reply {
	top, bad := decodeObject(c.body, "com.atlassian.jira.rest.v2.issue.CommentJsonBean", commentBeanKeys...)
	if bad != nil {
		return *bad
	}
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	body, err := readText(top["body"], c.v3)
	if err != nil {
		return fieldError("comment", err.Error())
	}
	if strings.TrimSpace(body) == "" {
		return fieldError("comment", "Comment body can not be empty!")
	}
	now := c.s.now()
	cm := comment{id: c.s.subID(), body: body, author: BotAccountID, created: now}
	is.comments = append(is.comments, cm)
	is.updated = now
	return reply{status: http.StatusCreated, body: c.commentJSON(is, cm)}
}

func (c *call) getComments() reply {
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	cs := []any{}
	for _, cm := range is.comments {
		cs = append(cs, c.commentJSON(is, cm))
	}
	return reply{status: http.StatusOK, body: map[string]any{"comments": cs, "startAt": 0, "maxResults": len(cs), "total": len(cs)}}
}

var worklogBeanKeys = []string{"comment", "timeSpent", "timeSpentSeconds", "started", "visibility",
	"properties", "author", "updateAuthor", "created", "updated", "id", "issueId", "self"}

func (c *call) addWorklog() reply {
	top, bad := decodeObject(c.body, "com.atlassian.jira.rest.v2.issue.worklog.WorklogJsonBean", worklogBeanKeys...)
	if bad != nil {
		return *bad
	}
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	var secs int
	var spent string
	switch {
	case !isNull(top["timeSpentSeconds"]):
		if err := json.Unmarshal(top["timeSpentSeconds"], &secs); err != nil || secs <= 0 {
			return fieldError("timeLogged", "Invalid time duration entered.")
		}
	case !isNull(top["timeSpent"]):
		var err error
		if json.Unmarshal(top["timeSpent"], &spent) != nil {
			return fieldError("timeLogged", "Invalid time duration entered.")
		}
		if secs, err = parseDuration(spent); err != nil || secs <= 0 {
			return fieldError("timeLogged", "Invalid time duration entered.")
		}
	default:
		return fieldError("timeLogged", "You must indicate the time spent working.")
	}
	comment, err := readText(top["comment"], c.v3)
	if err != nil {
		return fieldError("comment", err.Error())
	}
	now := c.s.now()
	started := now
	if !isNull(top["started"]) {
		var v string
		if json.Unmarshal(top["started"], &v) != nil {
			return fieldError("started", "Could not parse the started date.")
		}
		if started, err = time.Parse(jiraTime, v); err != nil {
			return fieldError("started", "Could not parse the started date: "+v)
		}
	}
	w := worklog{id: c.s.subID(), comment: comment, author: BotAccountID, seconds: secs, started: started, created: now}
	is.worklogs = append(is.worklogs, w)
	is.updated = now
	return reply{status: http.StatusCreated, body: c.worklogJSON(is, w)}
}

func (c *call) getWorklogs() reply {
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	ws := []any{}
	for _, w := range is.worklogs {
		ws = append(ws, c.worklogJSON(is, w))
	}
	return reply{status: http.StatusOK, body: map[string]any{"worklogs": ws, "startAt": 0, "maxResults": len(ws), "total": len(ws)}}
}
