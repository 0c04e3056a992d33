package slackfake

import (
	"encoding/json"
	"regexp"

	"github.com/slack-go/slack"
)

// maxMetadata is the longest metadata parameter the fake takes, in bytes.
const maxMetadata = 8 << 10

// eventTypeRE is what Slack documents for metadata's event_type: an
// alphanumeric string, with underscores, that apps define.
var eventTypeRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,100}$`)

// readMetadata reads chat.postMessage's metadata parameter, a JSON object
// {"event_type": ..., "event_payload": {...}}; ok is false when none was
// sent.
func readMetadata(r *request) (md slack.SlackMetadata, ok bool, err error) {
	raw := r.raw("metadata")
	if len(raw) == 0 {
		return md, false, nil
	}
	if len(raw) > maxMetadata {
		return md, false, fail("metadata_too_large")
	}
	var in struct {
		EventType    *string         `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if json.Unmarshal(raw, &in) != nil || in.EventType == nil || in.EventPayload == nil {
		return md, false, fail("invalid_metadata_format")
	}
	if !eventTypeRE.MatchString(*in.EventType) || json.Unmarshal(in.EventPayload, &md.EventPayload) != nil || md.EventPayload == nil {
		return md, false, fail("invalid_metadata_schema")
	}
	md.EventType = *in.EventType
	return md, true, nil
}

// messageJSON renders a message as the history methods serve it: metadata
// only on messages posted with some, its event_payload only when the call
// asked for include_all_metadata, as Slack does.
func messageJSON(m *slack.Message, allMetadata bool) obj {
	var out obj
	b, err := json.Marshal(m)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		// Every message is built by the fake itself.
		panic("slackfake: render message: " + err.Error())
	}
	delete(out, "metadata")
	if m.Metadata.EventType != "" {
		md := obj{"event_type": m.Metadata.EventType}
		if allMetadata {
			md["event_payload"] = m.Metadata.EventPayload
		}
		out["metadata"] = md
	}
	return out
}

func messagesJSON(ms []*slack.Message, allMetadata bool) []obj {
	out := make([]obj, 0, len(ms))
	for _, m := range ms {
		out = append(out, messageJSON(m, allMetadata))
	}
	return out
}

// RepeatedPosts returns the chat.postMessage calls the fake performed that
// carry the same metadata, in the same channel and thread, as an earlier
// one: the same post made twice, for an app that tags each post with what
// makes it unique. It also returns the performed posts without metadata.
func (s *Server) RepeatedPosts() (repeats, untagged []Call) {
	seen := map[string]bool{}
	for _, c := range s.OKCalls("chat.postMessage") {
		md := c.Form.Get("metadata")
		if md == "" {
			untagged = append(untagged, c)
			continue
		}
		id := c.Form.Get("channel") + "\x00" + c.Form.Get("thread_ts") + "\x00" + md
		if seen[id] {
			repeats = append(repeats, c)
		}
		seen[id] = true
	}
	return repeats, untagged
}
