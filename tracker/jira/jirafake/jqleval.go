package jirafake

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// jiraFields are fields Jira has that the fake does not search on, so a
// query naming one gets "not supported" rather than "does not exist".
var jiraFields = []string{"assignee", "reporter", "priority", "summary", "description", "text", "sprint",
	"issuetype", "type", "resolution", "resolved", "resolutiondate", "duedate", "due", "creator",
	"comment", "component", "fixversion", "affectedversion", "parent", "id", "epic link", "worklogdate",
	"timespent", "watcher", "voter", "statuscategorychangeddate", "lastviewed", "environment", "rank"}

// canonical maps field names and aliases to the fields the fake knows.
var canonical = map[string]string{
	"labels": "labels", "project": "project", "key": "key", "issuekey": "key",
	"status": "status", "statuscategory": "statusCategory", "updated": "updated",
	"updateddate": "updated", "created": "created", "createddate": "created",
}

func unknownField(name string) error {
	if slices.Contains(jiraFields, strings.ToLower(name)) || strings.HasPrefix(strings.ToLower(name), "cf[") {
		return &jqlError{fmt.Sprintf("Error in the JQL Query: jirafake does not support the field '%s'.", name)}
	}
	return &jqlError{fmt.Sprintf("Field '%s' does not exist or you do not have permission to view it.", name)}
}

type pred func(is *issue) bool

// compile turns a parsed query into a filter and an order, checking
// values against the site's projects, statuses and issues as Jira does.
func (s *Server) compile(q *query, now time.Time) (pred, func(a, b *issue) int, error) {
	if len(q.clauses) == 0 {
		return nil, nil, &jqlError{"Unbounded JQL queries are not allowed here. Please add a search restriction to your query."}
	}
	var preds []pred
	for _, c := range q.clauses {
		p, err := s.compileClause(c, now)
		if err != nil {
			return nil, nil, err
		}
		preds = append(preds, p)
	}
	order, err := compileOrder(q.order)
	if err != nil {
		return nil, nil, err
	}
	return func(is *issue) bool {
		for _, p := range preds {
			if !p(is) {
				return false
			}
		}
		return true
	}, order, nil
}

func opErr(op, field string) error {
	return &jqlError{fmt.Sprintf("The operator '%s' is not supported by the '%s' field.", strings.ToLower(op), field)}
}

func (s *Server) compileClause(c clause, now time.Time) (pred, error) {
	field, ok := canonical[strings.ToLower(c.field)]
	if !ok {
		return nil, unknownField(c.field)
	}
	for _, v := range c.values {
		if v.fn {
			return nil, &jqlError{fmt.Sprintf("Error in the JQL Query: jirafake does not support the function '%s'.", v.text)}
		}
	}
	if field == "updated" || field == "created" {
		return s.compileDate(c, field, now)
	}
	switch c.op {
	case "=", "!=", "IN", "NOT IN":
	case "IS", "IS NOT":
		if field != "labels" || len(c.values) != 1 || !c.values[0].empty {
			return nil, opErr(c.op, c.field)
		}
		want := c.op == "IS NOT"
		return func(is *issue) bool { return (len(is.labels) > 0) == want }, nil
	default:
		return nil, opErr(c.op, c.field)
	}
	if (c.op == "=" || c.op == "!=") && c.list {
		return nil, &jqlError{fmt.Sprintf("The operator '%s' does not support a list of values for the field '%s'.", c.op, c.field)}
	}
	for _, v := range c.values {
		if v.empty {
			return nil, &jqlError{fmt.Sprintf("The operator '%s' does not support searching for EMPTY values for the field '%s'.", strings.ToLower(c.op), c.field)}
		}
	}
	negate := c.op == "!=" || c.op == "NOT IN"
	var get func(is *issue) []string
	var want []string
	for _, v := range c.values {
		norm, err := s.checkValue(field, c.field, v.text)
		if err != nil {
			return nil, err
		}
		want = append(want, norm)
	}
	switch field {
	case "labels":
		get = func(is *issue) []string { return is.labels }
	case "project":
		get = func(is *issue) []string { return []string{is.project} }
	case "key":
		get = func(is *issue) []string { return []string{is.key} }
	case "status":
		get = func(is *issue) []string { return []string{is.status} }
	case "statusCategory":
		get = func(is *issue) []string {
			st, _ := s.findStatus(is.status)
			return []string{st.Category}
		}
	}
	return func(is *issue) bool {
		have := get(is)
		hit := slices.ContainsFunc(have, func(h string) bool {
			return slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(h, w) })
		})
		if negate {
			// As in Jira, != and NOT IN never match an empty field.
			return len(have) > 0 && !hit
		}
		return hit
	}, nil
}

// checkValue validates a value as Jira does and returns the form issues
// are compared with: a project key, a status name, a category key.
func (s *Server) checkValue(field, name, v string) (string, error) {
	noValue := &jqlError{fmt.Sprintf("The value '%s' does not exist for the field '%s'.", v, name)}
	switch field {
	case "project":
		for _, p := range s.projects {
			if strings.EqualFold(p.key, v) || p.id == v || strings.EqualFold(p.name, v) {
				return p.key, nil
			}
		}
		return "", noValue
	case "key":
		if !issueKey.MatchString(v) {
			return "", &jqlError{fmt.Sprintf("The issue key '%s' for field '%s' is invalid.", v, name)}
		}
		if s.findIssue(v) == nil {
			return "", &jqlError{fmt.Sprintf("An issue with key '%s' does not exist for field '%s'.", v, name)}
		}
		return v, nil
	case "status":
		if st, ok := s.findStatus(v); ok {
			return st.Name, nil
		}
		return "", noValue
	case "statusCategory":
		for key, cat := range categories {
			if strings.EqualFold(v, key) || strings.EqualFold(v, cat["name"].(string)) || v == strconv.Itoa(cat["id"].(int)) {
				return key, nil
			}
		}
		return "", noValue
	}
	return v, nil
}

var issueKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*-[0-9]+$`)

var relative = regexp.MustCompile(`^([-+]?)((?:\d+[yMwdhm]\s*)+)$`)
var relPart = regexp.MustCompile(`(\d+)([yMwdhm])`)

// parseJQLDate reads a JQL date: a period relative to now ("-15m",
// "-1w 2d") or Jira's absolute formats, in UTC here.
func parseJQLDate(v string, now time.Time) (time.Time, bool) {
	if m := relative.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
		sign := 1
		if m[1] == "-" {
			sign = -1
		}
		t := now
		for _, p := range relPart.FindAllStringSubmatch(m[2], -1) {
			n, _ := strconv.Atoi(p[1])
			n *= sign
			switch p[2] {
			case "y":
				t = t.AddDate(n, 0, 0)
			case "M":
				t = t.AddDate(0, n, 0)
			case "w":
				t = t.AddDate(0, 0, 7*n)
			case "d":
				t = t.AddDate(0, 0, n)
			case "h":
				t = t.Add(time.Duration(n) * time.Hour)
			case "m":
				t = t.Add(time.Duration(n) * time.Minute)
			}
		}
		return t, true
	}
	for _, layout := range []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// compileDate compares at the minute, as Jira's date search does: an
// issue updated at 10:00:30 is not "updated > '10:00'".
func (s *Server) compileDate(c clause, field string, now time.Time) (pred, error) {
	switch c.op {
	case "=", "!=", "<", "<=", ">", ">=":
	default:
		return nil, opErr(c.op, c.field)
	}
	if c.list || len(c.values) != 1 || c.values[0].empty {
		return nil, &jqlError{fmt.Sprintf("The operator '%s' does not support the value given for the field '%s'.", c.op, c.field)}
	}
	v := c.values[0].text
	bound, ok := parseJQLDate(v, now)
	if !ok {
		return nil, &jqlError{fmt.Sprintf("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", v, c.field)}
	}
	bound = bound.Truncate(time.Minute)
	op := c.op
	return func(is *issue) bool {
		t := is.updated
		if field == "created" {
			t = is.created
		}
		d := t.Truncate(time.Minute).Compare(bound)
		switch op {
		case "=":
			return d == 0
		case "!=":
			return d != 0
		case "<":
			return d < 0
		case "<=":
			return d <= 0
		case ">":
			return d > 0
		}
		return d >= 0
	}, nil
}

// compileOrder builds the sort. Dates sort newest first and keys in
// ascending order unless told otherwise, as those fields' defaults are in
// Jira; without ORDER BY the order is newest issue first (Jira does not
// promise one, so a client should always say ORDER BY). Ties go by id.
func compileOrder(obs []orderBy) (func(a, b *issue) int, error) {
	type key struct {
		cmp  func(a, b *issue) int
		desc bool
	}
	var keys []key
	for _, ob := range obs {
		field, ok := canonical[strings.ToLower(ob.field)]
		if !ok {
			return nil, unknownField(ob.field)
		}
		k := key{desc: ob.desc}
		switch field {
		case "updated":
			k.cmp = func(a, b *issue) int { return a.updated.Compare(b.updated) }
			k.desc = !ob.dir || ob.desc
		case "created":
			k.cmp = func(a, b *issue) int { return a.created.Compare(b.created) }
			k.desc = !ob.dir || ob.desc
		case "key":
			k.cmp = compareKeys
		default:
			return nil, &jqlError{fmt.Sprintf("Error in the JQL Query: jirafake cannot order by '%s'.", ob.field)}
		}
		keys = append(keys, k)
	}
	return func(a, b *issue) int {
		for _, k := range keys {
			if d := k.cmp(a, b); d != 0 {
				if k.desc {
					return -d
				}
				return d
			}
		}
		if len(keys) == 0 {
			return cmp.Compare(b.id, a.id)
		}
		return cmp.Compare(a.id, b.id)
	}, nil
}

// compareKeys orders keys by project, then by number: OPS-9 before OPS-10.
func compareKeys(a, b *issue) int {
	pa, na, _ := strings.Cut(a.key, "-")
	pb, nb, _ := strings.Cut(b.key, "-")
	if d := strings.Compare(pa, pb); d != 0 {
		return d
	}
	ia, _ := strconv.Atoi(na)
	ib, _ := strconv.Atoi(nb)
	return cmp.Compare(ia, ib)
}
