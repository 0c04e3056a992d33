package jirafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// issueBeanKeys are the top-level keys Jira's IssueUpdateBean takes. The
// read-only keys of an issue (id, key, self, expand) are ignored, as Jira
// does when a client sends a whole issue back.
var issueBeanKeys = []string{"fields", "update", "historyMetadata", "properties", "transition", "id", "key", "self", "expand"}

const issueBean = "com.atlassian.jira.rest.v2.issue.IssueUpdateBean"

func notSettable(f string) string {
	return fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", f)
}

// ref is a reference to a project, type, priority or user by id, key, name
// or accountId; ids may come as numbers.
type ref map[string]any

func (r ref) get(k string) string {
	switch v := r[k].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func readRef(raw json.RawMessage) (ref, bool) {
	var r ref
	if err := json.Unmarshal(raw, &r); err != nil || r == nil {
		return nil, false
	}
	return r, true
}

func (c *call) createIssue() reply {
	s := c.s
	top, bad := decodeObject(c.body, issueBean, issueBeanKeys...)
	if bad != nil {
		return *bad
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(top["fields"], &fields); err != nil && !isNull(top["fields"]) {
		return jiraError(http.StatusBadRequest, "Can not deserialize instance of the issue fields out of the given JSON")
	}
	errs := map[string]string{}
	var p *project
	if r, ok := readRef(fields["project"]); ok {
		if id := r.get("id"); id != "" {
			p = s.findProject(id)
		} else if key := r.get("key"); key != "" {
			p = s.findProject(key)
		}
	}
	if p == nil {
		errs["project"] = "Specify a valid project ID or key"
	}
	var it issueType
	if r, ok := readRef(fields["issuetype"]); !ok {
		errs["issuetype"] = "Specify an issue type"
	} else {
		var found bool
		if id := r.get("id"); id != "" {
			it, found = issueType{id: id, name: s.typeName(id)}, s.typeName(id) != ""
		} else {
			it, found = s.typeByName(r.get("name"))
		}
		if !found || (p != nil && !slices.Contains(p.types, it.id)) {
			errs["issuetype"] = "Specify a valid issue type"
		}
	}
	var summary string
	if err := json.Unmarshal(fields["summary"], &summary); err != nil || strings.TrimSpace(summary) == "" {
		errs["summary"] = "You must specify a summary of the issue."
	} else if msg := checkSummary(summary); msg != "" {
		errs["summary"] = msg
	}
	ed := editor{c: c, errs: errs}
	for name, raw := range fields {
		switch name {
		case "project", "issuetype", "summary":
		case "description", "priority", "labels", "duedate", "assignee", "reporter":
			ed.field(name, raw)
		default:
			errs[name] = notSettable(name)
		}
	}
	ed.update(top["update"])
	if len(errs) > 0 {
		return fieldErrors(errs)
	}
	is := s.newIssue(p, it.name, summary)
	ed.apply(is, is.created)
	is.updated = is.created
	id := strconv.Itoa(is.id)
	rp := reply{status: http.StatusCreated, body: map[string]any{"id": id, "key": is.key, "self": c.apiBase() + "/issue/" + id}}
	if s.faults.dropCreates > 0 {
		s.faults.dropCreates--
		rp.drop = true
	}
	return rp
}

func checkSummary(summary string) string {
	switch {
	case strings.ContainsAny(summary, "\r\n"):
		return "The summary is invalid because it contains newline characters."
	case utf8.RuneCountInString(summary) > 255:
		return "Summary must be less than 255 characters."
	}
	return ""
}

// editor validates field values and, when all are valid, applies them. It
// serves create, edit and transitions alike.
type editor struct {
	c    *call
	errs map[string]string
	sets []func(is *issue) bool
}

func (ed *editor) set(f func(is *issue) bool) { ed.sets = append(ed.sets, f) }

// apply runs the validated changes and reports whether any changed is;
// a change bumps updated to at.
func (ed *editor) apply(is *issue, at time.Time) bool {
	changed := false
	for _, f := range ed.sets {
		if f(is) {
			changed = true
		}
	}
	if changed {
		is.updated = at
	}
	return changed
}

// field checks one settable field.
func (ed *editor) field(name string, raw json.RawMessage) {
	s := ed.c.s
	switch name {
	case "summary":
		var v string
		if err := json.Unmarshal(raw, &v); err != nil || strings.TrimSpace(v) == "" {
			ed.errs[name] = "You must specify a summary of the issue."
		} else if msg := checkSummary(v); msg != "" {
			ed.errs[name] = msg
		} else {
			ed.set(func(is *issue) bool { return swap(&is.summary, v) })
		}
	case "description":
		v, err := readText(raw, ed.c.v3)
		if err != nil {
			ed.errs[name] = err.Error()
			return
		}
		ed.set(func(is *issue) bool { return swap(&is.description, v) })
	case "priority":
		r, ok := readRef(raw)
		var p priority
		found := false
		for _, pr := range s.priorities {
			if ok && (pr.id == r.get("id") || strings.EqualFold(pr.name, r.get("name"))) {
				p, found = pr, true
			}
		}
		if !found {
			ed.errs[name] = "Specify a valid priority (id or name)"
			return
		}
		ed.set(func(is *issue) bool { return swap(&is.priority, p.name) })
	case "labels":
		var v []string
		if err := json.Unmarshal(raw, &v); err != nil {
			ed.errs[name] = "data was not an array"
			return
		}
		for _, l := range v {
			if msg := checkLabel(l); msg != "" {
				ed.errs[name] = msg
				return
			}
		}
		v = dedupe(v)
		ed.set(func(is *issue) bool {
			if slices.Equal(is.labels, v) {
				return false
			}
			is.labels = v
			return true
		})
	case "duedate":
		var v string
		if !isNull(raw) {
			if err := json.Unmarshal(raw, &v); err != nil {
				ed.errs[name] = "Error parsing date string: " + string(raw)
				return
			}
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				ed.errs[name] = "Error parsing date string: " + v
				return
			}
		}
		ed.set(func(is *issue) bool { return swap(&is.dueDate, v) })
	case "assignee", "reporter":
		var id string
		if !isNull(raw) {
			r, ok := readRef(raw)
			if ok && (r.get("name") != "" || r.get("key") != "") && r.get("accountId") == "" && r.get("id") == "" {
				ed.errs[name] = "The 'name' and 'key' of a user are no longer supported; use 'accountId'."
				return
			}
			id = r.get("accountId")
			if id == "" {
				id = r.get("id")
			}
			if !ok || s.findUser(id) == nil {
				ed.errs[name] = fmt.Sprintf("Specify a valid value for %s", name)
				return
			}
		}
		if name == "reporter" {
			ed.set(func(is *issue) bool { return swap(&is.reporter, id) })
		} else {
			ed.set(func(is *issue) bool { return swap(&is.assignee, id) })
		}
	default:
		ed.errs[name] = notSettable(name)
	}
}

// update checks the "update" verbs; only labels (add, remove, set) are
// supported.
func (ed *editor) update(raw json.RawMessage) {
	if isNull(raw) {
		return
	}
	var ops map[string][]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		ed.errs["update"] = "Can not deserialize the update operations"
		return
	}
	for name, list := range ops {
		if name != "labels" {
			ed.errs[name] = notSettable(name)
			continue
		}
		for _, op := range list {
			for verb, val := range op {
				ed.labelOp(verb, val)
			}
		}
	}
}

func (ed *editor) labelOp(verb string, val json.RawMessage) {
	if verb == "set" {
		ed.field("labels", val)
		return
	}
	var l string
	if err := json.Unmarshal(val, &l); err != nil {
		ed.errs["labels"] = "Operation value must be a string"
		return
	}
	if msg := checkLabel(l); msg != "" {
		ed.errs["labels"] = msg
		return
	}
	switch verb {
	case "add":
		ed.set(func(is *issue) bool {
			if slices.Contains(is.labels, l) {
				return false
			}
			is.labels = append(is.labels, l)
			return true
		})
	case "remove":
		ed.set(func(is *issue) bool {
			i := slices.Index(is.labels, l)
			if i < 0 {
				return false
			}
			is.labels = slices.Delete(is.labels, i, i+1)
			return true
		})
	default:
		ed.errs["labels"] = fmt.Sprintf("Field 'labels' does not support operation '%s' Supported operation(s) are: 'add,set,remove'", verb)
	}
}

func checkLabel(l string) string {
	switch {
	case l == "":
		return "The label '' is invalid."
	case strings.ContainsAny(l, " \t\r\n"):
		return fmt.Sprintf("The label '%s' contains spaces which is invalid.", l)
	case utf8.RuneCountInString(l) > 255:
		return fmt.Sprintf("The label '%s' exceeds the maximum length for a single label of 255 characters.", l)
	}
	return ""
}

func dedupe(v []string) []string {
	out := []string{}
	for _, s := range v {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// swap sets *dst to v and reports whether that changed it.
func swap(dst *string, v string) bool {
	if *dst == v {
		return false
	}
	*dst = v
	return true
}
