package jirafake

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCreateEveryFieldAndReadItBack(t *testing.T) {
	s, _ := newFake(t)
	s.AddUser("acc-ana", "ana@acme.com", "Ana Lima")
	r := do(t, s, "POST", "/rest/api/2/issue", map[string]any{"fields": map[string]any{
		"project":     map[string]any{"key": "OPS"},
		"summary":     "Deploy is stuck",
		"description": "Line one\nLine two",
		"issuetype":   map[string]any{"name": "Bug"},
		"priority":    map[string]any{"name": "High"},
		"labels":      []string{"sg-123", "interrupt"},
		"duedate":     "2026-11-30",
		"assignee":    map[string]any{"accountId": "acc-ana"},
	}})
	if r.status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	created := r.obj(t)
	if created["id"] != "10001" || created["key"] != "OPS-1" || created["self"] != s.URL()+"/rest/api/2/issue/10001" {
		t.Errorf("create answer %v", created)
	}

	r = do(t, s, "GET", "/rest/api/2/issue/OPS-1", nil)
	if r.status != http.StatusOK {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	got := r.obj(t)
	for _, tc := range []struct {
		path []string
		want any
	}{
		{[]string{"key"}, "OPS-1"},
		{[]string{"id"}, "10001"},
		{[]string{"fields", "summary"}, "Deploy is stuck"},
		{[]string{"fields", "description"}, "Line one\nLine two"},
		{[]string{"fields", "issuetype", "name"}, "Bug"},
		{[]string{"fields", "project", "key"}, "OPS"},
		{[]string{"fields", "priority", "name"}, "High"},
		{[]string{"fields", "duedate"}, "2026-11-30"},
		{[]string{"fields", "assignee", "accountId"}, "acc-ana"},
		{[]string{"fields", "assignee", "emailAddress"}, "ana@acme.com"},
		{[]string{"fields", "assignee", "displayName"}, "Ana Lima"},
		{[]string{"fields", "status", "name"}, "To Do"},
		{[]string{"fields", "status", "statusCategory", "key"}, "new"},
		{[]string{"fields", "resolution"}, nil},
		{[]string{"fields", "created"}, "2026-11-23T10:00:00.000+0000"},
		{[]string{"fields", "updated"}, "2026-11-23T10:00:00.000+0000"},
		{[]string{"fields", sprintField}, nil},
	} {
		t.Run(strings.Join(tc.path, "."), func(t *testing.T) {
			if v := get(got, tc.path...); v != tc.want {
				t.Errorf("%v = %#v, want %#v", tc.path, v, tc.want)
			}
		})
	}
	if labels := get(got, "fields", "labels"); !reflect.DeepEqual(labels, []any{"sg-123", "interrupt"}) {
		t.Errorf("labels = %v", labels)
	}

	is, ok := s.Issue("OPS-1")
	want := Issue{ID: "10001", Key: "OPS-1", Project: "OPS", IssueType: "Bug", Summary: "Deploy is stuck",
		Description: "Line one\nLine two", Priority: "High", DueDate: "2026-11-30", Assignee: "acc-ana",
		Status: "To Do", Labels: []string{"sg-123", "interrupt"}, Created: t0, Updated: t0}
	if !ok || !reflect.DeepEqual(is, want) {
		t.Errorf("Issue() = %+v, %v\nwant %+v", is, ok, want)
	}
}

func TestCreateDefaultsAndFieldsParam(t *testing.T) {
	s, _ := newFake(t)
	key := create(t, s, "plain")
	r := do(t, s, "GET", "/rest/api/2/issue/"+key+"?fields=summary,status", nil)
	fields := r.obj(t)["fields"].(map[string]any)
	if len(fields) != 2 || fields["summary"] != "plain" || get(fields, "status", "name") != "To Do" {
		t.Errorf("fields=summary,status gave %v", fields)
	}
	is, _ := s.Issue(key)
	if is.Priority != "Medium" || is.Sprint != 0 || is.Assignee != "" {
		t.Errorf("defaults: %+v", is)
	}
}

func TestCreateV3TakesAndGivesADF(t *testing.T) {
	s, _ := newFake(t)
	adf := map[string]any{"type": "doc", "version": 1, "content": []any{
		map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": "Hello ADF"}}}}}
	r := do(t, s, "POST", "/rest/api/3/issue", map[string]any{"fields": map[string]any{
		"project": map[string]any{"id": "10000"}, "summary": "v3", "issuetype": map[string]any{"id": "10001"},
		"description": adf}})
	if r.status != http.StatusCreated {
		t.Fatalf("v3 create: %d %s", r.status, r.body)
	}
	if self := r.obj(t)["self"]; self != s.URL()+"/rest/api/3/issue/10001" {
		t.Errorf("self %v", self)
	}
	if d := get(do(t, s, "GET", "/rest/api/2/issue/OPS-1", nil).obj(t), "fields", "description"); d != "Hello ADF" {
		t.Errorf("v2 description = %#v", d)
	}
	d := get(do(t, s, "GET", "/rest/api/3/issue/OPS-1", nil).obj(t), "fields", "description")
	if get(d, "type") != "doc" {
		t.Errorf("v3 description = %#v, want an ADF doc", d)
	}
	// A plain string is refused in v3, as Jira does.
	r = do(t, s, "POST", "/rest/api/3/issue", map[string]any{"fields": map[string]any{
		"project": map[string]any{"key": "OPS"}, "summary": "v3", "issuetype": map[string]any{"name": "Task"},
		"description": "plain"}})
	if r.status != http.StatusBadRequest || !strings.HasPrefix(r.jiraErr(t).Errors["description"], "Operation value must be an Atlassian Document") {
		t.Errorf("v3 string description: %d %s", r.status, r.body)
	}
}

func TestCreateErrors(t *testing.T) {
	valid := func() map[string]any {
		return map[string]any{"project": map[string]any{"key": "OPS"}, "summary": "ok", "issuetype": map[string]any{"name": "Task"}}
	}
	without := func(k string) map[string]any { f := valid(); delete(f, k); return f }
	with := func(k string, v any) map[string]any { f := valid(); f[k] = v; return f }
	for _, tc := range []struct {
		name    string
		body    any
		field   string // expected key in errors, "" for an errorMessages error
		message string
	}{
		{"no project", map[string]any{"fields": without("project")}, "project", "Specify a valid project ID or key"},
		{"no summary", map[string]any{"fields": without("summary")}, "summary", "You must specify a summary of the issue."},
		{"blank summary", map[string]any{"fields": with("summary", "  ")}, "summary", "You must specify a summary of the issue."},
		{"no issuetype", map[string]any{"fields": without("issuetype")}, "issuetype", "Specify an issue type"},
		{"unknown project", map[string]any{"fields": with("project", map[string]any{"key": "NOPE"})}, "project", "Specify a valid project ID or key"},
		{"unknown issuetype", map[string]any{"fields": with("issuetype", map[string]any{"name": "Epic"})}, "issuetype", "Specify a valid issue type"},
		{"unknown priority", map[string]any{"fields": with("priority", map[string]any{"name": "Urgent"})}, "priority", "Specify a valid priority (id or name)"},
		{"unknown assignee", map[string]any{"fields": with("assignee", map[string]any{"accountId": "ghost"})}, "assignee", "Specify a valid value for assignee"},
		{"label with a space", map[string]any{"fields": with("labels", []string{"ok", "two words"})}, "labels", "The label 'two words' contains spaces which is invalid."},
		{"summary too long", map[string]any{"fields": with("summary", strings.Repeat("x", 256))}, "summary", "Summary must be less than 255 characters."},
		{"summary with newline", map[string]any{"fields": with("summary", "a\nb")}, "summary", "The summary is invalid because it contains newline characters."},
		{"bad duedate", map[string]any{"fields": with("duedate", "30/11/2026")}, "duedate", "Error parsing date string: 30/11/2026"},
		{"unknown field", map[string]any{"fields": with("storyPoints", 3)}, "storyPoints", "Field 'storyPoints' cannot be set. It is not on the appropriate screen, or unknown."},
		{"ADF description in v2", map[string]any{"fields": with("description", map[string]any{"type": "doc", "version": 1})}, "description", "Operation value must be a string"},
		{"misspelled fields key", map[string]any{"field": valid()}, "", `Unrecognized field "field" (Class com.atlassian.jira.rest.v2.issue.IssueUpdateBean), not marked as ignorable`},
		{"not JSON", "{fields:", "", ""},
		{"empty body", "", "", "No content to map to Object due to end of input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newFake(t)
			r := do(t, s, "POST", "/rest/api/2/issue", tc.body)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			e := r.jiraErr(t)
			switch {
			case tc.field != "":
				if e.Errors[tc.field] != tc.message {
					t.Errorf("errors[%s] = %q, want %q (body %s)", tc.field, e.Errors[tc.field], tc.message, r.body)
				}
			case tc.message != "":
				if len(e.ErrorMessages) != 1 || e.ErrorMessages[0] != tc.message {
					t.Errorf("errorMessages = %q, want %q", e.ErrorMessages, tc.message)
				}
			default:
				if len(e.ErrorMessages) == 0 {
					t.Errorf("no errorMessages: %s", r.body)
				}
			}
			if n := len(s.Issues()); n != 0 {
				t.Errorf("%d issues made by a failed create", n)
			}
		})
	}
}

func TestCreateReportsEveryMissingFieldAtOnce(t *testing.T) {
	s, _ := newFake(t)
	r := do(t, s, "POST", "/rest/api/2/issue", map[string]any{"fields": map[string]any{}})
	e := r.jiraErr(t)
	for _, f := range []string{"project", "summary", "issuetype"} {
		if e.Errors[f] == "" {
			t.Errorf("no error for %s: %s", f, r.body)
		}
	}
}

func TestCreateNeedsJSONContentType(t *testing.T) {
	s, _ := newFake(t)
	r := send(t, s, "POST", "/rest/api/2/issue", `{"fields":{}}`, func(r *http.Request) {
		r.Header.Set("Content-Type", "text/plain")
	})
	if r.status != http.StatusUnsupportedMediaType {
		t.Errorf("status %d, want 415", r.status)
	}
	r = send(t, s, "POST", "/rest/api/2/issue", `{"fields":{}}`, func(r *http.Request) {
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
	})
	if r.status != http.StatusBadRequest {
		t.Errorf("with charset: status %d, want 400 (validated)", r.status)
	}
}

func TestKeysAreNumberedPerProject(t *testing.T) {
	s, c := newFake(t)
	s.AddProject("WEB", "Story")
	create(t, s, "one")
	c.advance(time.Minute)
	r := do(t, s, "POST", "/rest/api/2/issue", map[string]any{"fields": map[string]any{
		"project": map[string]any{"key": "WEB"}, "summary": "web", "issuetype": map[string]any{"name": "Story"}}})
	if got := r.obj(t)["key"]; got != "WEB-1" {
		t.Errorf("key %v, want WEB-1", got)
	}
	r = do(t, s, "POST", "/rest/api/2/issue", map[string]any{"fields": map[string]any{
		"project": map[string]any{"key": "WEB"}, "summary": "web", "issuetype": map[string]any{"name": "Bug"}}})
	if r.status != http.StatusBadRequest {
		t.Errorf("Bug is not a WEB issue type, got %d", r.status)
	}
	is := s.Issues()
	if len(is) != 2 || is[0].Key != "OPS-1" || is[1].Key != "WEB-1" || is[1].ID != "10002" || !is[1].Created.Equal(t0.Add(time.Minute)) {
		t.Errorf("issues %+v", is)
	}
}
