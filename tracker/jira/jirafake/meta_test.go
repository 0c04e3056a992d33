package jirafake

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	s, _ := newFake(t)
	for _, tc := range []struct {
		name string
		edit func(*http.Request)
	}{
		{"no auth", func(r *http.Request) { r.Header.Del("Authorization") }},
		{"wrong token", func(r *http.Request) { r.SetBasicAuth(User, "old-token") }},
		{"wrong user", func(r *http.Request) { r.SetBasicAuth("eve@acme.com", Token) }},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+Token) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, s, "GET", "/rest/api/2/myself", nil, tc.edit)
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d", r.status)
			}
			if e := r.jiraErr(t); len(e.ErrorMessages) != 1 {
				t.Errorf("body %s", r.body)
			}
		})
	}
}

func TestForbidden(t *testing.T) {
	s, _ := newFake(t)
	key := create(t, s, "x")
	s.SetForbidden(true)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/rest/api/2/issue/" + key},
		{"POST", "/rest/api/2/issue"},
		{"GET", "/rest/api/3/search/jql?jql=project%3DOPS"},
		{"GET", "/rest/agile/1.0/board/7"},
	} {
		var body any
		if tc.method == "POST" {
			body = map[string]any{"fields": map[string]any{}}
		}
		r := do(t, s, tc.method, tc.path, body)
		if r.status != http.StatusForbidden {
			t.Errorf("%s %s: %d", tc.method, tc.path, r.status)
		}
		r.jiraErr(t)
	}
	if r := do(t, s, "GET", "/rest/api/2/myself", nil); r.status != http.StatusOK {
		t.Errorf("myself while forbidden: %d", r.status)
	}
	s.SetForbidden(false)
	if r := do(t, s, "GET", "/rest/api/2/issue/"+key, nil); r.status != http.StatusOK {
		t.Errorf("after SetForbidden(false): %d", r.status)
	}
}

func TestRouting(t *testing.T) {
	s, _ := newFake(t)
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"DELETE", "/rest/api/2/issue/OPS-1", 405, "GET,PUT"},
		{"GET", "/rest/api/2/issue", 405, "POST"},
		{"PUT", "/rest/api/3/search/jql", 405, "GET,POST"},
		{"GET", "/rest/api/2/issues/OPS-1", 404, ""},
		{"GET", "/rest/api/2/serverInfo", 404, ""},
		{"POST", "/rest/agile/1.0/sprint/42/issues", 404, ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := do(t, s, tc.method, tc.path, nil)
			if r.status != tc.status || r.header.Get("Allow") != tc.allow {
				t.Errorf("%d Allow %q", r.status, r.header.Get("Allow"))
			}
			if tc.status == 404 {
				r.jiraErr(t)
			}
		})
	}
}

func TestUserSearchAndMyself(t *testing.T) {
	s, _ := newFake(t)
	s.AddUser("acc-ana", "ana.lima@acme.com", "Ana Lima")
	s.AddUser("acc-anders", "anders@acme.com", "Anders Berg")
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"Ana.Lima@ACME.com", []string{"acc-ana"}},
		{"an", []string{"acc-ana", "acc-anders"}},
		{"berg", []string{"acc-anders"}},
		{"nobody@acme.com", []string{}},
		{"lima@acme.com", []string{}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := do(t, s, "GET", "/rest/api/2/user/search?query="+tc.query, nil)
			var users []map[string]any
			r.decode(t, &users)
			got := []string{}
			for _, u := range users {
				got = append(got, u["accountId"].(string))
				if u["active"] != true || u["accountType"] != "atlassian" || u["emailAddress"] == nil || u["displayName"] == nil {
					t.Errorf("user shape %v", u)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	me := do(t, s, "GET", "/rest/api/2/myself", nil).obj(t)
	if me["accountId"] != BotAccountID || me["emailAddress"] != User {
		t.Errorf("myself %v", me)
	}
	if r := do(t, s, "GET", "/rest/api/2/user/search", nil); r.status != http.StatusBadRequest {
		t.Errorf("search without query: %d", r.status)
	}
}

func TestProjectAndPriorities(t *testing.T) {
	s, _ := newFake(t)
	p := do(t, s, "GET", "/rest/api/2/project/OPS", nil).obj(t)
	types := []any{}
	for _, it := range p["issueTypes"].([]any) {
		types = append(types, get(it, "id").(string)+" "+get(it, "name").(string))
	}
	if p["id"] != "10000" || p["key"] != "OPS" || !reflect.DeepEqual(types, []any{"10001 Task", "10002 Bug"}) {
		t.Errorf("project %v types %v", p, types)
	}
	r := do(t, s, "GET", "/rest/api/2/project/NOPE", nil)
	if r.status != 404 || r.jiraErr(t).ErrorMessages[0] != "No project could be found with key 'NOPE'." {
		t.Errorf("unknown project: %d %s", r.status, r.body)
	}
	var prios []map[string]any
	do(t, s, "GET", "/rest/api/2/priority", nil).decode(t, &prios)
	got := []string{}
	for _, p := range prios {
		got = append(got, p["id"].(string)+" "+p["name"].(string))
	}
	if want := []string{"1 Highest", "2 High", "3 Medium", "4 Low", "5 Lowest"}; !reflect.DeepEqual(got, want) {
		t.Errorf("priorities %v", got)
	}
}

func TestAgile(t *testing.T) {
	s, c := newFake(t)
	key := create(t, s, "x")
	b := do(t, s, "GET", "/rest/agile/1.0/board/7", nil).obj(t)
	if b["type"] != "scrum" || get(b, "location", "projectKey") != "OPS" || b["id"] != float64(7) {
		t.Errorf("board %v", b)
	}
	if r := do(t, s, "GET", "/rest/agile/1.0/board/8", nil); r.status != 404 {
		t.Errorf("unknown board: %d", r.status)
	}
	var page struct {
		MaxResults, StartAt int
		IsLast              bool
		Values              []struct {
			ID            int
			Name, State   string
			OriginBoardID int `json:"originBoardId"`
		}
	}
	do(t, s, "GET", "/rest/agile/1.0/board/7/sprint?state=active", nil).decode(t, &page)
	if !page.IsLast || page.MaxResults != 50 || len(page.Values) != 1 || page.Values[0].ID != 42 ||
		page.Values[0].Name != "OPS Sprint 23" || page.Values[0].State != "active" || page.Values[0].OriginBoardID != 7 {
		t.Errorf("active sprints %+v", page)
	}
	do(t, s, "GET", "/rest/agile/1.0/board/7/sprint?state=future,active", nil).decode(t, &page)
	if len(page.Values) != 2 {
		t.Errorf("future and active: %+v", page.Values)
	}
	if r := do(t, s, "GET", "/rest/agile/1.0/board/7/sprint?state=open", nil); r.status != 400 {
		t.Errorf("bad state: %d", r.status)
	}

	c.advance(time.Second)
	if r := do(t, s, "POST", "/rest/agile/1.0/sprint/42/issue", map[string]any{"issues": []string{key}}); r.status != 204 {
		t.Fatalf("move to sprint: %d %s", r.status, r.body)
	}
	is, _ := s.Issue(key)
	if is.Sprint != 42 || !is.Updated.After(is.Created) {
		t.Errorf("after move: %+v", is)
	}
	sp := get(do(t, s, "GET", "/rest/api/2/issue/"+key, nil).obj(t), "fields", sprintField)
	if sps, ok := sp.([]any); !ok || len(sps) != 1 || get(sps[0], "id") != float64(42) {
		t.Errorf("sprint field %v", sp)
	}
	s.SetSprintState(43, "closed")
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
	}{
		{"closed sprint", "/rest/agile/1.0/sprint/43/issue", map[string]any{"issues": []string{key}}, 400},
		{"unknown sprint", "/rest/agile/1.0/sprint/99/issue", map[string]any{"issues": []string{key}}, 404},
		{"unknown issue", "/rest/agile/1.0/sprint/42/issue", map[string]any{"issues": []string{"OPS-99"}}, 400},
		{"misspelled key", "/rest/agile/1.0/sprint/42/issue", map[string]any{"issue": []string{key}}, 400},
		{"no issues", "/rest/agile/1.0/backlog/issue", map[string]any{"issues": []string{}}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "POST", tc.path, tc.body)
			if r.status != tc.status {
				t.Errorf("%d %s", r.status, r.body)
			}
			r.jiraErr(t)
			if is, _ := s.Issue(key); is.Sprint != 42 {
				t.Errorf("sprint changed to %d", is.Sprint)
			}
		})
	}
	if r := do(t, s, "POST", "/rest/agile/1.0/backlog/issue", map[string]any{"issues": []string{key}}); r.status != 204 {
		t.Fatalf("backlog: %d %s", r.status, r.body)
	}
	if is, _ := s.Issue(key); is.Sprint != 0 {
		t.Errorf("after backlog: sprint %d", is.Sprint)
	}
}
