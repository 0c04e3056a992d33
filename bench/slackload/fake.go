package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeSlack is the smallest Slack Web API that keeps the bot going: every
// method answers ok, in the shape slack-go decodes, and every call is
// counted. It keeps no state beyond the counts, so it never becomes the
// bottleneck it is there to stand in for. It is safe for concurrent use.
type fakeSlack struct {
	base int64 // unix seconds of the first ts it hands out

	seq   atomic.Int64
	last  atomic.Int64 // when the last call came in, in Unix nanoseconds
	mu    sync.Mutex
	calls map[string]int
}

// lastCall returns when the last call came in; the zero time if none has.
func (f *fakeSlack) lastCall() time.Time {
	if n := f.last.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

func newFakeSlack(base int64) *fakeSlack {
	return &fakeSlack{base: base, calls: map[string]int{}}
}

// counts returns a copy of the calls per method so far.
func (f *fakeSlack) counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.calls)
}

// total returns the number of calls so far.
func (f *fakeSlack) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// nextTS returns a message ts later than every one before it.
func (f *fakeSlack) nextTS() string {
	n := f.seq.Add(1)
	return fmt.Sprintf("%d.%06d", f.base+n/1e6, n%1e6)
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := strings.Trim(r.URL.Path, "/")
	f.mu.Lock()
	f.calls[method]++
	f.mu.Unlock()
	f.last.Store(time.Now().UnixNano())
	if method == "upload" {
		// The second step of files.uploadV2 posts the bytes to the URL
		// files.getUploadURLExternal handed out.
		_, _ = io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, "OK")
		return
	}
	p, err := readParams(r)
	if err != nil {
		answer(w, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	answer(w, f.reply(method, p, "http://"+r.Host))
}

// reply is the ok answer to one call, with the fields the bot reads.
func (f *fakeSlack) reply(method string, p url.Values, self string) map[string]any {
	ok := map[string]any{"ok": true}
	channel := p.Get("channel")
	switch method {
	case "auth.test":
		ok["url"], ok["team"], ok["user"] = "https://bench.slack.com/", "T123", "sprintguard"
		ok["team_id"], ok["user_id"], ok["bot_id"] = "T123", "UBOT", "BBOT"
	case "chat.postMessage":
		ts := f.nextTS()
		ok["channel"], ok["ts"] = channel, ts
		ok["message"] = map[string]any{"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": p.Get("text"), "ts": ts}
	case "chat.update":
		ok["channel"], ok["ts"], ok["text"] = channel, p.Get("ts"), p.Get("text")
	case "chat.postEphemeral":
		ok["message_ts"] = f.nextTS()
	case "chat.getPermalink":
		ok["channel"] = channel
		ok["permalink"] = "https://bench.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(p.Get("message_ts"), ".", "")
	case "conversations.open":
		// The bot opens DMs with one user at a time.
		ok["channel"] = map[string]any{"id": "D" + strings.Split(p.Get("users"), ",")[0]}
	case "conversations.history", "conversations.replies":
		ok["messages"], ok["has_more"] = []any{}, false
	case "conversations.setTopic":
		ok["channel"] = map[string]any{"id": channel}
	case "views.open", "views.publish", "views.update", "views.push":
		kind := "modal"
		if method == "views.publish" {
			kind = "home"
		}
		ok["view"] = map[string]any{"id": fmt.Sprintf("VB%08d", f.seq.Add(1)), "type": kind, "hash": "bench"}
	case "users.info":
		u := p.Get("user")
		ok["user"] = map[string]any{"id": u, "name": strings.ToLower(u), "real_name": u, "tz": "Europe/Berlin",
			"profile": map[string]any{"display_name": u, "real_name": u}}
	case "usergroups.users.update":
		ok["usergroup"] = map[string]any{"id": p.Get("usergroup"), "users": strings.Split(p.Get("users"), ",")}
	case "files.getUploadURLExternal":
		ok["upload_url"], ok["file_id"] = self+"/upload", fmt.Sprintf("FB%08d", f.seq.Add(1))
	case "files.completeUploadExternal":
		ok["files"] = []any{map[string]any{"id": "FB00000000", "title": "upload"}}
	}
	return ok
}

// readParams reads a call's arguments: a form, as slack-go sends most
// methods, or a JSON object, as it sends views; JSON values that are not
// strings are kept as their JSON text.
func readParams(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("read form: %w", err)
		}
		return r.Form, nil
	}
	var obj map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
		return nil, fmt.Errorf("read json: %w", err)
	}
	p := url.Values{}
	for k, raw := range obj {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p.Set(k, s)
		} else {
			p.Set(k, string(raw))
		}
	}
	return p, nil
}

func answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
