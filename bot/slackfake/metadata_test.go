package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"testing"

	"github.com/sprintguard/sprintguard/internal/reference"
)

// readReference reads a file of the reference set by its path in it,
// skipping the test when the set is missing and not required.
func readReference(t *testing.T, rel string) (path string, data []byte) {
	t.Helper()
	path, err := reference.Path(rel)
	if errors.Is(err, reference.ErrMissing) && !reference.Required() {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	data, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

// publishedMetadataKeys reads the fields of a message's metadata in
// Slack's published message shape (java-slack-sdk's field-complete
// sample), which is how history shows it without include_all_metadata.
func publishedMetadataKeys(t *testing.T) []string {
	t.Helper()
	path, data := readReference(t, "slack/shapes/payloads/MessagePayload.json")
	var shape struct {
		Event struct {
			Metadata map[string]any `json:"metadata"`
		} `json:"event"`
	}
	if err := json.Unmarshal(data, &shape); err != nil || shape.Event.Metadata == nil {
		t.Fatalf("%s: no event.metadata (%v)", path, err)
	}
	return slices.Sorted(maps.Keys(shape.Event.Metadata))
}

// Metadata posted with a message comes back from conversations.history and
// .replies in Slack's shape: event_type alone, and event_payload too when
// the call asks for include_all_metadata; a message without any has none.
func TestHistoryServesMetadataInSlacksShape(t *testing.T) {
	published := publishedMetadataKeys(t)
	s := New(t)
	md := `{"event_type":"sprintguard_post","event_payload":{"job":"notify:7","post":0}}`
	_, _, parent := rawCall(t, s, "chat.postMessage", url.Values{"token": {botToken}, "channel": {"C1"}, "text": {"plain"}}, nil)
	thread := parent["ts"].(string)
	for _, form := range []url.Values{
		{"token": {botToken}, "channel": {"C1"}, "text": {"tagged"}, "metadata": {md}},
		{"token": {botToken}, "channel": {"C1"}, "text": {"reply"}, "metadata": {md}, "thread_ts": {thread}},
	} {
		if _, _, resp := rawCall(t, s, "chat.postMessage", form, nil); resp["ok"] != true {
			t.Fatalf("post: %v", resp)
		}
	}
	calls := []struct {
		name, method string
		form         url.Values
	}{
		{"history", "conversations.history", url.Values{"channel": {"C1"}}},
		{"replies", "conversations.replies", url.Values{"channel": {"C1"}, "ts": {thread}}},
	}
	for _, c := range calls {
		for _, all := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s include_all_metadata=%v", c.name, all), func(t *testing.T) {
				form := maps.Clone(c.form)
				form.Set("token", botToken)
				if all {
					form.Set("include_all_metadata", "1")
				}
				_, _, resp := rawCall(t, s, c.method, form, nil)
				msgs, _ := resp["messages"].([]any)
				want := published
				if all {
					want = []string{"event_payload", "event_type"}
				}
				tagged := 0
				for _, raw := range msgs {
					m := raw.(map[string]any)
					md, has := m["metadata"].(map[string]any)
					if m["text"] == "plain" {
						if has {
							t.Errorf("a message posted without metadata has %v", md)
						}
						continue
					}
					tagged++
					if got := slices.Sorted(maps.Keys(md)); !slices.Equal(got, want) {
						t.Errorf("include_all_metadata %v: metadata fields %v, want %v", all, got, want)
					}
					if p, _ := md["event_payload"].(map[string]any); all && (p["job"] != "notify:7" || p["post"] != 0.0) {
						t.Errorf("event_payload %v", md["event_payload"])
					}
				}
				if tagged != 1 {
					t.Errorf("%d tagged messages in %v, want 1", tagged, msgs)
				}
			})
		}
	}
}

func TestPostMessageChecksMetadata(t *testing.T) {
	tests := []struct{ name, metadata, want string }{
		{"not JSON", `{event_type:`, "invalid_metadata_format"},
		{"no payload", `{"event_type":"x"}`, "invalid_metadata_format"},
		{"no type", `{"event_payload":{}}`, "invalid_metadata_format"},
		{"payload not an object", `{"event_type":"x","event_payload":[1]}`, "invalid_metadata_schema"},
		{"type with spaces", `{"event_type":"a b","event_payload":{}}`, "invalid_metadata_schema"},
		{"fine", `{"event_type":"a_b1","event_payload":{"k":"v"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			_, _, resp := rawCall(t, s, "chat.postMessage", url.Values{"token": {botToken}, "channel": {"C1"}, "text": {"x"}, "metadata": {tt.metadata}}, nil)
			if got, _ := resp["error"].(string); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
}
