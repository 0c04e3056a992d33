package bot

import (
	"encoding/json"

	"github.com/sprintguard/sprintguard/internal/jsonscan"
)

// decodeHead decodes the head of an Events API callback into h, exactly as
// json.Unmarshal would. Every acknowledgement decodes one, and
// encoding/json's reflection was most of what the acknowledgement spent
// outside net/http and the journal; a hand-read head costs a fraction of
// it. Whatever the scanner does not read exactly as encoding/json would (a
// null, a number where a string is expected, a key in another case,
// invalid UTF-8, anything that is not valid JSON) goes to json.Unmarshal,
// which also words the error.
func decodeHead(body []byte, h *envelopeHead) error {
	if scanHead(body, h) {
		return nil
	}
	*h = envelopeHead{}
	return json.Unmarshal(body, h)
}

// The keys scanHead reads, per object: a key that equals one of them but
// for case goes to encoding/json, which matches keys case-insensitively.
var (
	envelopeKeys = []string{"type", "challenge", "event_id", "event"}
	eventKeys    = []string{"type", "subtype", "user", "item"}
	itemKeys     = []string{"type"}
)

// scanHead reads body's head into h and reports whether it could; h holds
// garbage when it could not.
func scanHead(body []byte, h *envelopeHead) bool {
	i, ok := jsonscan.Fields(body, 0, envelopeKeys, func(key string, i int) (int, bool) {
		switch key {
		case "type":
			return stringField(body, i, &h.Type)
		case "challenge":
			return stringField(body, i, &h.Challenge)
		case "event_id":
			return stringField(body, i, &h.EventID)
		}
		return eventObject(body, i, &h.Event)
	})
	return ok && jsonscan.SkipSpace(body, i) == len(body)
}

// eventObject reads the inner event's head at body[i]. A second "event"
// key is read into the same struct, as encoding/json merges it.
func eventObject(body []byte, i int, ev *eventHead) (int, bool) {
	return jsonscan.Fields(body, i, eventKeys, func(key string, i int) (int, bool) {
		switch key {
		case "type":
			return stringField(body, i, &ev.Type)
		case "subtype":
			return stringField(body, i, &ev.Subtype)
		case "user":
			return stringField(body, i, &ev.User)
		}
		return jsonscan.Fields(body, i, itemKeys, func(_ string, i int) (int, bool) {
			return stringField(body, i, &ev.Item.Type)
		})
	})
}

// stringField reads the JSON string at data[i] into dst; anything else
// (null included, which encoding/json would skip) is declined.
func stringField(data []byte, i int, dst *string) (int, bool) {
	v, next, ok := jsonscan.String(data, i)
	if !ok {
		return 0, false
	}
	*dst = headWord(v)
	return next, true
}

// headWord returns v as a string, without an allocation when it is one of
// the types and subtypes every callback carries.
func headWord(v []byte) string {
	switch string(v) {
	case "event_callback":
		return "event_callback"
	case "message":
		return "message"
	case "app_mention":
		return "app_mention"
	case "reaction_added":
		return "reaction_added"
	case "thread_broadcast":
		return "thread_broadcast"
	case "":
		return ""
	}
	return string(v)
}
