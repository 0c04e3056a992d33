package jiratest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func do(t *testing.T, s *Server, method, path string, body any) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL()+path, r)
	req.SetBasicAuth(User, Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp.Header
}

func fields(extra map[string]any) map[string]any {
	f := map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Task"},
		"summary": "disk full on db-3"}
	for k, v := range extra {
		f[k] = v
	}
	return map[string]any{"fields": f}
}

func TestCreateValidatesLikeJira(t *testing.T) {
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"no summary", map[string]any{"fields": map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Task"}}}, "summary"},
		{"unknown project", fields(map[string]any{"project": map[string]string{"key": "NOPE"}}), "project"},
		{"unknown issue type", fields(map[string]any{"issuetype": map[string]string{"name": "Epic"}}), "issuetype"},
		{"unknown priority", fields(map[string]any{"priority": map[string]string{"name": "Blocker"}}), "priority"},
		{"label with a space", fields(map[string]any{"labels": []string{"from slack"}}), "labels"},
		{"bad due date", fields(map[string]any{"duedate": "27/11/2026"}), "duedate"},
		{"unknown assignee", fields(map[string]any{"assignee": map[string]string{"accountId": "ghost"}}), "assignee"},
		{"field not on the screen", fields(map[string]any{"customfield_10020": 1}), "customfield_10020"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(t)
			code, body, _ := do(t, s, "POST", "/rest/api/2/issue", tc.body)
			var e struct {
				Errors map[string]string `json:"errors"`
			}
			json.Unmarshal(body, &e)
			if code != 400 || e.Errors[tc.field] == "" {
				t.Fatalf("status %d, body %s; want 400 with an error on %s", code, body, tc.field)
			}
			if len(s.Issues()) != 0 {
				t.Fatal("a refused create made an issue")
			}
		})
	}
	s := New(t)
	if code, body, _ := do(t, s, "POST", "/rest/api/2/issue", map[string]any{"field": map[string]any{}}); code != 400 {
		t.Fatalf("misspelled top-level key: %d %s", code, body)
	}
}

func TestCreateAndRead(t *testing.T) {
	s := New(t)
	s.AddUser("acc-1", "ann@acme.com", "Ann")
	code, body, _ := do(t, s, "POST", "/rest/api/2/issue", fields(map[string]any{"priority": map[string]string{"name": "High"},
		"labels": []string{"sprintguard", "sg-1"}, "duedate": "2026-11-27", "assignee": map[string]string{"accountId": "acc-1"}}))
	if code != 201 || !strings.Contains(string(body), `"key":"OPS-1"`) {
		t.Fatalf("create: %d %s", code, body)
	}
	code, body, _ = do(t, s, "GET", "/rest/api/2/issue/OPS-1", nil)
	for _, want := range []string{`"summary":"disk full on db-3"`, `"name":"To Do"`, `"key":"new"`, `"accountId":"acc-1"`, `"duedate":"2026-11-27"`} {
		if code != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET issue lacks %s: %d %s", want, code, body)
		}
	}
	if code, _, _ := do(t, s, "GET", "/rest/api/2/issue/OPS-9", nil); code != 404 {
		t.Errorf("missing issue: %d", code)
	}
}

func TestRemovedSearchIsGone(t *testing.T) {
	s := New(t)
	for _, p := range []string{"/rest/api/2/search?jql=x", "/rest/api/3/search"} {
		code, body, _ := do(t, s, "GET", p, nil)
		if code != 410 || !strings.Contains(string(body), "CHANGE-2046") {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
}

func TestSearchPagesWithNextPageToken(t *testing.T) {
	s := New(t)
	for i := range 120 {
		do(t, s, "POST", "/rest/api/2/issue", fields(map[string]any{"labels": []string{"sprintguard", fmt.Sprintf("sg-%d", i)}}))
	}
	do(t, s, "POST", "/rest/api/2/issue", fields(nil)) // not labelled
	seen, token, pages := 0, "", 0
	for {
		path := "/rest/api/2/search/jql?jql=labels%20%3D%20sprintguard%20AND%20updated%20%3E%3D%20-5m%20ORDER%20BY%20updated%20ASC&maxResults=50"
		if token != "" {
			path += "&nextPageToken=" + token
		}
		code, body, _ := do(t, s, "GET", path, nil)
		var page struct {
			Issues        []json.RawMessage `json:"issues"`
			IsLast        bool              `json:"isLast"`
			NextPageToken string            `json:"nextPageToken"`
		}
		if code != 200 || json.Unmarshal(body, &page) != nil {
			t.Fatalf("search: %d %s", code, body)
		}
		seen += len(page.Issues)
		pages++
		if page.IsLast {
			if page.NextPageToken != "" {
				t.Error("last page has a nextPageToken")
			}
			break
		}
		token = page.NextPageToken
	}
	if seen != 120 || pages != 3 {
		t.Fatalf("%d issues in %d pages, want 120 in 3", seen, pages)
	}
	if code, body, _ := do(t, s, "GET", "/rest/api/2/search/jql?jql=labelz%20%3D%20x", nil); code != 400 || !strings.Contains(string(body), "JQL") {
		t.Fatalf("bad JQL: %d %s", code, body)
	}
}

func TestTransitionsFollowTheWorkflow(t *testing.T) {
	s := New(t)
	do(t, s, "POST", "/rest/api/2/issue", fields(nil))
	_, body, _ := do(t, s, "GET", "/rest/api/2/issue/OPS-1/transitions", nil)
	if !strings.Contains(string(body), "Start Progress") || strings.Contains(string(body), "Reopen") {
		t.Fatalf("transitions from To Do: %s", body)
	}
	if code, _, _ := do(t, s, "POST", "/rest/api/2/issue/OPS-1/transitions", map[string]any{"transition": map[string]string{"id": "31"}}); code != 400 {
		t.Fatalf("Reopen from To Do: %d, want 400", code)
	}
	if code, _, _ := do(t, s, "POST", "/rest/api/2/issue/OPS-1/transitions", map[string]any{"transition": map[string]string{"id": "21"}}); code != 204 {
		t.Fatalf("Done: %d", code)
	}
	if is, _ := s.Issue("OPS-1"); is.Status != "Done" || is.Resolution != "Done" {
		t.Fatalf("after Done: %+v", is)
	}
}

func TestFaults(t *testing.T) {
	s := New(t)
	s.FailNext(1, 502)
	if code, _, _ := do(t, s, "GET", "/rest/api/2/myself", nil); code != 502 {
		t.Errorf("FailNext: %d", code)
	}
	s.RateLimitNext(1, 7*time.Second)
	if code, _, h := do(t, s, "GET", "/rest/api/2/myself", nil); code != 429 || h.Get("Retry-After") != "7" {
		t.Errorf("RateLimitNext: %d Retry-After %q", code, h.Get("Retry-After"))
	}
	s.SetDown(true)
	if code, _, _ := do(t, s, "GET", "/rest/api/2/myself", nil); code != 503 {
		t.Errorf("SetDown: %d", code)
	}
	s.SetDown(false)
	s.SetForbidden(true)
	if code, _, _ := do(t, s, "GET", "/rest/api/2/myself", nil); code != 403 {
		t.Errorf("SetForbidden: %d", code)
	}
	s.SetForbidden(false)

	s.HangNext(1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/rest/api/2/myself", nil)
	req.SetBasicAuth(User, Token)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("HangNext: the request was answered")
	}

	s.DropAfterCreate(1)
	b, _ := json.Marshal(fields(nil))
	req, _ = http.NewRequest("POST", s.URL()+"/rest/api/2/issue", bytes.NewReader(b))
	req.SetBasicAuth(User, Token)
	req.Header.Set("Content-Type", "application/json")
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("DropAfterCreate: the create was answered")
	}
	if len(s.Issues()) != 1 {
		t.Errorf("DropAfterCreate: %d issues, want the one committed", len(s.Issues()))
	}

	s.FailRate(0.5, 1)
	failed := 0
	for range 40 {
		if code, _, _ := do(t, s, "GET", "/rest/api/2/myself", nil); code == 500 {
			failed++
		}
	}
	if failed < 10 || failed > 30 {
		t.Errorf("FailRate 0.5: %d of 40 failed", failed)
	}
	req, _ = http.NewRequest("GET", s.URL()+"/rest/api/2/myself", nil)
	req.SetBasicAuth(User, "wrong")
	s.FailRate(0, 0)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Errorf("wrong token: %v %v", resp, err)
	}
}
