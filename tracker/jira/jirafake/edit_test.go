package jirafake

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestGetUnknownIssueIs404WithJirasBody(t *testing.T) {
	s, _ := newFake(t)
	for _, path := range []string{"/rest/api/2/issue/OPS-99", "/rest/api/2/issue/OPS-99/transitions", "/rest/api/3/issue/99999"} {
		r := do(t, s, "GET", path, nil)
		if r.status != http.StatusNotFound || string(r.body) != `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}` {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
}

func TestEditFields(t *testing.T) {
	s, c := newFake(t)
	key := create(t, s, "before", "a")
	for _, tc := range []struct {
		name   string
		body   any
		status int
		bumped bool
		check  func(Issue) bool
	}{
		{"priority", map[string]any{"fields": map[string]any{"priority": map[string]any{"id": "1"}}}, 204, true,
			func(is Issue) bool { return is.Priority == "Highest" }},
		{"same priority again changes nothing", map[string]any{"fields": map[string]any{"priority": map[string]any{"name": "Highest"}}}, 204, false,
			func(is Issue) bool { return is.Priority == "Highest" }},
		{"labels and summary and due date", map[string]any{"fields": map[string]any{"labels": []string{"b", "c"}, "summary": "after", "duedate": "2026-12-01"}}, 204, true,
			func(is Issue) bool {
				return reflect.DeepEqual(is.Labels, []string{"b", "c"}) && is.Summary == "after" && is.DueDate == "2026-12-01"
			}},
		{"clear due date", map[string]any{"fields": map[string]any{"duedate": nil}}, 204, true,
			func(is Issue) bool { return is.DueDate == "" }},
		{"update verbs on labels", map[string]any{"update": map[string]any{"labels": []any{map[string]any{"add": "d"}, map[string]any{"remove": "b"}}}}, 204, true,
			func(is Issue) bool { return reflect.DeepEqual(is.Labels, []string{"c", "d"}) }},
		{"not settable", map[string]any{"fields": map[string]any{"resolution": map[string]any{"name": "Done"}}}, 400, false,
			func(is Issue) bool { return is.Resolution == "" }},
		{"misspelled top-level key", map[string]any{"feilds": map[string]any{"summary": "x"}}, 400, false,
			func(is Issue) bool { return is.Summary == "after" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.advance(time.Minute)
			before, _ := s.Issue(key)
			r := do(t, s, "PUT", "/rest/api/2/issue/"+key, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			after, _ := s.Issue(key)
			if !tc.check(after) {
				t.Errorf("issue after: %+v", after)
			}
			if bumped := after.Updated.After(before.Updated); bumped != tc.bumped {
				t.Errorf("updated bumped = %v, want %v", bumped, tc.bumped)
			}
		})
	}
}

func TestAssign(t *testing.T) {
	s, _ := newFake(t)
	s.AddUser("acc-ana", "ana@acme.com", "Ana Lima")
	key := create(t, s, "x")
	for _, tc := range []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"assign", `{"accountId":"acc-ana"}`, 204, "acc-ana"},
		{"go-jira sends a whole user", `{"accountId":"acc-ana","avatarUrls":{}}`, 204, "acc-ana"},
		{"unknown account", `{"accountId":"ghost"}`, 400, "acc-ana"},
		{"name is gone", `{"name":"ana"}`, 400, "acc-ana"},
		{"misspelled key", `{"accountID":"acc-ana"}`, 400, "acc-ana"},
		{"unassign", `{"accountId":null}`, 204, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "PUT", "/rest/api/2/issue/"+key+"/assignee", tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status == 400 {
				r.jiraErr(t)
			}
			if is, _ := s.Issue(key); is.Assignee != tc.want {
				t.Errorf("assignee %q, want %q", is.Assignee, tc.want)
			}
		})
	}
	if r := do(t, s, "PUT", "/rest/api/2/issue/OPS-99/assignee", `{"accountId":"acc-ana"}`); r.status != 404 {
		t.Errorf("unknown issue: %d", r.status)
	}
}

func TestCommentAndWorklog(t *testing.T) {
	s, c := newFake(t)
	key := create(t, s, "x")
	c.advance(time.Hour)
	r := do(t, s, "POST", "/rest/api/2/issue/"+key+"/comment", map[string]any{"body": "looking at it",
		"author": map[string]any{"avatarUrls": map[string]any{}}, "visibility": map[string]any{}})
	if r.status != http.StatusCreated {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	cm := r.obj(t)
	if cm["body"] != "looking at it" || cm["id"] == nil || get(cm, "author", "accountId") != BotAccountID {
		t.Errorf("comment answer %v", cm)
	}
	if r := do(t, s, "POST", "/rest/api/2/issue/"+key+"/comment", map[string]any{"text": "x"}); r.status != 400 {
		t.Errorf("comment with unknown key: %d", r.status)
	}

	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"seconds", map[string]any{"timeSpentSeconds": 1800, "comment": "triage"}, 201, ""},
		{"jira duration", map[string]any{"timeSpent": "1h 30m", "started": "2026-11-23T09:00:00.000+0000"}, 201, ""},
		{"no time", map[string]any{"comment": "x"}, 400, "timeLogged"},
		{"bad duration", map[string]any{"timeSpent": "soon"}, 400, "timeLogged"},
		{"bad started", map[string]any{"timeSpent": "1h", "started": "yesterday"}, 400, "started"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "POST", "/rest/api/2/issue/"+key+"/worklog", tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.field != "" && r.jiraErr(t).Errors[tc.field] == "" {
				t.Errorf("no error for %s: %s", tc.field, r.body)
			}
		})
	}
	is, _ := s.Issue(key)
	wantLogs := []Worklog{{TimeSpentSeconds: 1800, Comment: "triage"}, {TimeSpentSeconds: 5400}}
	if !reflect.DeepEqual(is.Comments, []string{"looking at it"}) || !reflect.DeepEqual(is.Worklogs, wantLogs) {
		t.Errorf("comments %q worklogs %+v", is.Comments, is.Worklogs)
	}
	if !is.Updated.Equal(t0.Add(time.Hour)) {
		t.Errorf("updated %v, want bumped to %v", is.Updated, t0.Add(time.Hour))
	}
	got := do(t, s, "GET", "/rest/api/2/issue/"+key+"?fields=timespent,comment", nil).obj(t)
	if get(got, "fields", "timespent") != float64(7200) || get(got, "fields", "comment", "total") != float64(1) {
		t.Errorf("timespent/comment fields: %v", got["fields"])
	}
}
