package jirafake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// newFake starts a fake on a clock at t0.
func newFake(t *testing.T) (*Server, *clock) {
	t.Helper()
	s := New(t)
	c := &clock{t: t0}
	s.SetNow(c.now)
	return s, c
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

// decode decodes the body into v, failing the test when it is not JSON.
func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

// obj decodes the body as a JSON object.
func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// jiraErr is Jira's error body.
type jiraErr struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

func (r resp) jiraErr(t *testing.T) jiraErr {
	t.Helper()
	var e jiraErr
	r.decode(t, &e)
	if e.ErrorMessages == nil || e.Errors == nil {
		t.Fatalf("not a Jira error body (errorMessages and errors both present): %s", r.body)
	}
	return e
}

// do sends a request as the API user; body is JSON-encoded unless it is
// a string, sent as is.
func do(t *testing.T, s *Server, method, path string, body any) resp {
	t.Helper()
	return send(t, s, method, path, body, func(r *http.Request) {})
}

func send(t *testing.T, s *Server, method, path string, body any, edit func(*http.Request)) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(User, Token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	edit(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

// create makes an OPS Task with summary and labels and returns its key.
func create(t *testing.T, s *Server, summary string, labels ...string) string {
	t.Helper()
	if labels == nil {
		labels = []string{}
	}
	r := do(t, s, "POST", "/rest/api/2/issue", map[string]any{"fields": map[string]any{
		"project": map[string]any{"key": "OPS"}, "summary": summary,
		"issuetype": map[string]any{"name": "Task"}, "labels": labels}})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	return r.obj(t)["key"].(string)
}

// get reads a value out of decoded JSON by keys, e.g. get(m, "fields", "status", "name").
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
