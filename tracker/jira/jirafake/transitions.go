package jirafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// available lists the transitions open from status: those that name it
// in From, and the global ones (empty From) that lead elsewhere, as Jira
// hides a global transition into the status the issue is already in.
func (s *Server) available(status string) []Transition {
	var out []Transition
	for _, tr := range s.workflow.Transitions {
		if len(tr.From) == 0 {
			if !strings.EqualFold(tr.To, status) {
				out = append(out, tr)
			}
			continue
		}
		if slices.ContainsFunc(tr.From, func(f string) bool { return strings.EqualFold(f, status) }) {
			out = append(out, tr)
		}
	}
	return out
}

func (c *call) getTransitions() reply {
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	q := c.r.URL.Query()
	withFields := strings.Contains(q.Get("expand"), "transitions.fields")
	list := []any{}
	for _, tr := range c.s.available(is.status) {
		if id := q.Get("transitionId"); id != "" && id != tr.ID {
			continue
		}
		t := map[string]any{"id": tr.ID, "name": tr.Name, "to": c.statusJSON(tr.To),
			"hasScreen": false, "isGlobal": len(tr.From) == 0, "isInitial": false,
			"isAvailable": true, "isConditional": false, "isLooped": false}
		if withFields {
			t["fields"] = map[string]any{}
		}
		list = append(list, t)
	}
	return reply{status: http.StatusOK, body: map[string]any{"expand": "transitions", "transitions": list}}
}

func (c *call) doTransition() reply {
	top, bad := decodeObject(c.body, issueBean, "transition", "fields", "update", "historyMetadata", "properties")
	if bad != nil {
		return *bad
	}
	is, bad := c.issueParam()
	if bad != nil {
		return *bad
	}
	var tr struct {
		ID any `json:"id"`
	}
	if isNull(top["transition"]) || json.Unmarshal(top["transition"], &tr) != nil || tr.ID == nil {
		return jiraError(http.StatusBadRequest, "Missing 'transition' identifier")
	}
	id := fmt.Sprint(tr.ID)
	if f, ok := tr.ID.(float64); ok {
		id = strconv.FormatFloat(f, 'f', -1, 64)
	}
	var target *Transition
	for _, t := range c.s.available(is.status) {
		if t.ID == id {
			target = &t
			break
		}
	}
	if target == nil {
		return jiraError(http.StatusBadRequest, fmt.Sprintf("Transition id '%s' is not valid for this issue.", id))
	}
	// No transition here has a screen, so no field can be set with it,
	// the resolution included: Jira refuses them the same way.
	errs := map[string]string{}
	var fields map[string]json.RawMessage
	json.Unmarshal(top["fields"], &fields)
	for name := range fields {
		errs[name] = notSettable(name)
	}
	note, cerr := c.transitionComment(top["update"], errs)
	if cerr != "" {
		errs["comment"] = cerr
	}
	if len(errs) > 0 {
		return fieldErrors(errs)
	}
	now := c.s.now()
	st, _ := c.s.findStatus(target.To)
	c.s.setStatus(is, st, now)
	if note != "" {
		is.comments = append(is.comments, comment{id: c.s.subID(), body: note, author: BotAccountID, created: now})
	}
	return noContent()
}

// transitionComment reads update.comment[0].add.body, the one update
// verb a transition without a screen accepts.
func (c *call) transitionComment(raw json.RawMessage, errs map[string]string) (string, string) {
	if isNull(raw) {
		return "", ""
	}
	var ops map[string][]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		return "", "Can not deserialize the update operations"
	}
	var body string
	for name, list := range ops {
		if name != "comment" {
			errs[name] = notSettable(name)
			continue
		}
		for _, op := range list {
			var add struct {
				Body json.RawMessage `json:"body"`
			}
			if json.Unmarshal(op["add"], &add) != nil {
				return "", "Field 'comment' only supports the operation 'add'"
			}
			text, err := readText(add.Body, c.v3)
			if err != nil {
				return "", err.Error()
			}
			body = text
		}
	}
	return body, ""
}
