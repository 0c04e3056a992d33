package jirafake

import (
	"strconv"
	"strings"
	"time"
)

// jiraTime is how Jira writes times.
const jiraTime = "2006-01-02T15:04:05.000-0700"

// allFields are the fields an issue has, in the order they are written.
var allFields = []string{
	"summary", "description", "status", "priority", "labels", "assignee", "reporter",
	"resolution", "resolutiondate", "created", "updated", "duedate", "issuetype",
	"project", "comment", "worklog", "timespent", sprintField,
}

// sprintField is the Sprint custom field, as on most Jira Cloud sites.
const sprintField = "customfield_10020"

// fieldSet is which fields of an issue to write; idOnly answers with the
// id alone, search's default.
type fieldSet struct {
	all     bool
	include map[string]bool
	exclude map[string]bool
	idOnly  bool
}

// parseFields reads Jira's fields parameter: comma-separated names,
// "*all", "*navigable", and "-name" to leave one out. With no names at all
// the default applies: every field (defAll) or the id alone.
func parseFields(specs []string, defAll bool) fieldSet {
	fs := fieldSet{include: map[string]bool{}, exclude: map[string]bool{}}
	named := false
	for _, spec := range specs {
		for _, f := range strings.Split(spec, ",") {
			f = strings.TrimSpace(f)
			switch {
			case f == "":
			case f == "*all" || f == "*navigable":
				fs.all, named = true, true
			case strings.HasPrefix(f, "-"):
				fs.exclude[f[1:]] = true
				named = true
			default:
				fs.include[f] = true
				named = true
			}
		}
	}
	if !named {
		fs.all = defAll
		fs.idOnly = !defAll
		return fs
	}
	if len(fs.include) == 0 && len(fs.exclude) > 0 {
		fs.all = true
	}
	if !fs.all && len(fs.include) == 1 && fs.include["id"] {
		fs.idOnly = true
	}
	return fs
}

func (fs fieldSet) has(name string) bool {
	if fs.exclude[name] {
		return false
	}
	return fs.all || fs.include[name]
}

// issueJSON writes an issue in Jira's shape.
func (c *call) issueJSON(is *issue, fs fieldSet) map[string]any {
	id := strconv.Itoa(is.id)
	if fs.idOnly {
		return map[string]any{"id": id}
	}
	out := map[string]any{"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id": id, "key": is.key, "self": c.apiBase() + "/issue/" + id}
	fields := map[string]any{}
	for _, f := range allFields {
		if fs.has(f) {
			fields[f] = c.fieldJSON(is, f)
		}
	}
	out["fields"] = fields
	return out
}

func (c *call) fieldJSON(is *issue, f string) any {
	s := c.s
	switch f {
	case "summary":
		return is.summary
	case "description":
		return c.text(is.description)
	case "status":
		return c.statusJSON(is.status)
	case "priority":
		for _, p := range s.priorities {
			if p.name == is.priority {
				return c.priorityJSON(p)
			}
		}
		return nil
	case "labels":
		if is.labels == nil {
			return []string{}
		}
		return is.labels
	case "assignee":
		return c.userOrNil(is.assignee)
	case "reporter":
		return c.userOrNil(is.reporter)
	case "resolution":
		if is.resolution == "" {
			return nil
		}
		return map[string]any{"id": "10000", "name": is.resolution, "description": "Work has been completed on this issue.",
			"self": c.apiBase() + "/resolution/10000"}
	case "resolutiondate":
		return timeOrNil(is.resolved)
	case "created":
		return is.created.Format(jiraTime)
	case "updated":
		return is.updated.Format(jiraTime)
	case "duedate":
		if is.dueDate == "" {
			return nil
		}
		return is.dueDate
	case "issuetype":
		it, _ := s.typeByName(is.issueType)
		return map[string]any{"id": it.id, "name": it.name, "subtask": false, "self": c.apiBase() + "/issuetype/" + it.id}
	case "project":
		p := s.findProject(is.project)
		return map[string]any{"id": p.id, "key": p.key, "name": p.name, "projectTypeKey": "software",
			"self": c.apiBase() + "/project/" + p.id}
	case "comment":
		cs := []any{}
		for _, cm := range is.comments {
			cs = append(cs, c.commentJSON(is, cm))
		}
		return map[string]any{"comments": cs, "maxResults": len(cs), "total": len(cs), "startAt": 0,
			"self": c.apiBase() + "/issue/" + strconv.Itoa(is.id) + "/comment"}
	case "worklog":
		ws := []any{}
		for _, w := range is.worklogs {
			ws = append(ws, c.worklogJSON(is, w))
		}
		return map[string]any{"worklogs": ws, "maxResults": len(ws), "total": len(ws), "startAt": 0}
	case "timespent":
		total := 0
		for _, w := range is.worklogs {
			total += w.seconds
		}
		if total == 0 {
			return nil
		}
		return total
	case sprintField:
		sp := s.findSprint(is.sprint)
		if sp == nil {
			return nil
		}
		return []any{sprintJSON(c, sp)}
	}
	return nil
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(jiraTime)
}

// text writes a text field: a string in v2, an ADF document in v3.
func (c *call) text(s string) any {
	if s == "" {
		return nil
	}
	if c.v3 {
		return toADF(s)
	}
	return s
}

var categories = map[string]map[string]any{
	"new":           {"id": 2, "key": "new", "name": "To Do", "colorName": "blue-gray"},
	"indeterminate": {"id": 4, "key": "indeterminate", "name": "In Progress", "colorName": "yellow"},
	"done":          {"id": 3, "key": "done", "name": "Done", "colorName": "green"},
}

func (c *call) categoryJSON(key string) map[string]any {
	if categories[key] == nil {
		key = "new"
	}
	cat := map[string]any{}
	for k, v := range categories[key] {
		cat[k] = v
	}
	cat["self"] = c.apiBase() + "/statuscategory/" + strconv.Itoa(cat["id"].(int))
	return cat
}

func (c *call) statusJSON(name string) map[string]any {
	st, _ := c.s.findStatus(name)
	id := c.s.statusIDs[st.Name]
	return map[string]any{"id": id, "name": st.Name, "description": "",
		"iconUrl": c.s.srv.URL + "/images/icons/statuses/generic.png",
		"self":    c.apiBase() + "/status/" + id, "statusCategory": c.categoryJSON(st.Category)}
}

func (c *call) priorityJSON(p priority) map[string]any {
	return map[string]any{"id": p.id, "name": p.name, "self": c.apiBase() + "/priority/" + p.id,
		"iconUrl": c.s.srv.URL + "/images/icons/priorities/" + strings.ToLower(p.name) + ".svg"}
}

func (c *call) userOrNil(accountID string) any {
	u := c.s.findUser(accountID)
	if u == nil {
		return nil
	}
	return c.userJSON(*u)
}

func (c *call) userJSON(u user) map[string]any {
	return map[string]any{"accountId": u.accountID, "emailAddress": u.email, "displayName": u.name,
		"active": true, "accountType": "atlassian", "timeZone": "Etc/UTC",
		"self":       c.apiBase() + "/user?accountId=" + u.accountID,
		"avatarUrls": map[string]string{"48x48": c.s.srv.URL + "/avatar/" + u.accountID}}
}

func (c *call) commentJSON(is *issue, cm comment) map[string]any {
	author := c.userOrNil(cm.author)
	return map[string]any{"id": cm.id, "self": c.apiBase() + "/issue/" + strconv.Itoa(is.id) + "/comment/" + cm.id,
		"author": author, "updateAuthor": author, "body": c.text(cm.body),
		"created": cm.created.Format(jiraTime), "updated": cm.created.Format(jiraTime), "jsdPublic": true}
}

func (c *call) worklogJSON(is *issue, w worklog) map[string]any {
	author := c.userOrNil(w.author)
	out := map[string]any{"id": w.id, "issueId": strconv.Itoa(is.id),
		"self":   c.apiBase() + "/issue/" + strconv.Itoa(is.id) + "/worklog/" + w.id,
		"author": author, "updateAuthor": author,
		"created": w.created.Format(jiraTime), "updated": w.created.Format(jiraTime), "started": w.started.Format(jiraTime),
		"timeSpent": formatDuration(w.seconds), "timeSpentSeconds": w.seconds}
	if w.comment != "" {
		out["comment"] = c.text(w.comment)
	}
	return out
}
