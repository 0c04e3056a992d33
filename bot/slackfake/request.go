package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxBody is far above anything Slack accepts; it only keeps a runaway test
// from filling memory.
const maxBody = 16 << 20

// request is a Web API call's parameters, wherever the client put them:
// the query, a form body, or a JSON body.
type request struct {
	form  url.Values
	json  json.RawMessage
	body  map[string]json.RawMessage
	token string
}

func parseRequest(hr *http.Request) (*request, error) {
	raw, err := io.ReadAll(io.LimitReader(hr.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	r := &request{form: hr.URL.Query()}
	ctype, _, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	switch {
	case ctype == "application/json":
		if len(strings.TrimSpace(string(raw))) > 0 {
			r.json = raw
			// A body that is not an object (slack-go posts nothing at
			// all for apps.connections.open) simply has no fields.
			_ = json.Unmarshal(raw, &r.body)
		}
	case len(raw) > 0:
		values, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, fmt.Errorf("parse form: %w", err)
		}
		for k, v := range values {
			r.form[k] = append(r.form[k], v...)
		}
	}
	if auth, ok := strings.CutPrefix(hr.Header.Get("Authorization"), "Bearer "); ok {
		r.token = strings.TrimSpace(auth)
	} else {
		r.token = r.form.Get("token")
	}
	return r, nil
}

// has reports whether the parameter was sent at all, even empty.
func (r *request) has(key string) bool {
	if r.form.Has(key) {
		return true
	}
	_, ok := r.body[key]
	return ok
}

// get returns a parameter as a string: JSON strings unquoted, other JSON
// values as their text.
func (r *request) get(key string) string {
	if r.form.Has(key) {
		return r.form.Get(key)
	}
	raw, ok := r.body[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// flag reads a boolean parameter the ways clients send one: 1/0 or
// true/false.
func (r *request) flag(key string) bool {
	switch strings.ToLower(r.get(key)) {
	case "1", "true":
		return true
	}
	return false
}

// raw returns a parameter as JSON: the body's field, or a form value that
// holds JSON text (blocks, files).
func (r *request) raw(key string) json.RawMessage {
	if r.form.Has(key) {
		return json.RawMessage(r.form.Get(key))
	}
	return r.body[key]
}
