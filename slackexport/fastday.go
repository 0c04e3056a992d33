package slackexport

import (
	"strconv"
	"strings"

	"github.com/sprintguard/sprintguard/internal/jsonscan"
	"github.com/sprintguard/sprintguard/triage"
)

// fastDay decodes a well-formed day file, the common case, without
// encoding/json's reflection: one pass over data that checks the JSON as
// it goes (what it reads with jsonscan.String, what it skips with
// jsonscan.Value, and every separator between). It appends to dst and
// reports true only when the file is valid JSON and every element decoded
// to what decodeArray and convert make of it; on false the caller decodes
// the file again the careful way, which also words every problem, and dst
// beyond its old length is to be discarded.
func fastDay(dst []Message, ch Channel, file string, data []byte) ([]Message, bool) {
	i := jsonscan.SkipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return dst, false
	}
	i = jsonscan.SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return dst, jsonscan.SkipSpace(data, i+1) == len(data)
	}
	for {
		var w wireMessage
		next, ok := scanMessage(data, i, &w)
		if !ok {
			return dst, false
		}
		m, err := convert(&w, nil)
		if err != nil {
			return dst, false
		}
		m.Channel, m.ChannelName, m.File = ch.ID, ch.Name, file
		dst = append(dst, m)
		i = jsonscan.SkipSpace(data, next)
		switch {
		case i >= len(data):
			return dst, false
		case data[i] == ']':
			return dst, jsonscan.SkipSpace(data, i+1) == len(data)
		case data[i] != ',':
			return dst, false
		}
		i = jsonscan.SkipSpace(data, i+1)
	}
}

// messageKeys are wireMessage's JSON names; a key equal to one of them but
// for case would be matched by encoding/json, so it sends the file there.
var messageKeys = []string{"type", "subtype", "user", "bot_id", "username", "text", "ts", "thread_ts", "reply_count", "edited", "reactions", "files"}

// scanMessage reads the object at data[i] into w.
func scanMessage(data []byte, i int, w *wireMessage) (int, bool) {
	var files bool
	return jsonscan.Object(data, i, func(key []byte, data []byte, i int) (int, bool) {
		var dst *string
		switch string(key) {
		case "type":
			dst = &w.Type
		case "subtype":
			dst = &w.Subtype
		case "user":
			dst = &w.User
		case "bot_id":
			dst = &w.BotID
		case "username":
			dst = &w.Username
		case "text":
			dst = &w.Text
		case "ts":
			w.TS = new(string)
			dst = w.TS
		case "thread_ts":
			dst = &w.ThreadTS
		case "reply_count":
			end, ok := jsonscan.Value(data, i)
			if !ok {
				return 0, false
			}
			n, err := strconv.Atoi(string(data[i:end]))
			if err != nil {
				return 0, false
			}
			w.ReplyCount = n
			return end, true
		case "edited":
			if i >= len(data) || data[i] != '{' {
				return 0, false
			}
			// Only its presence is kept; its fields must still be strings.
			w.Edited = &struct {
				User string `json:"user"`
				TS   string `json:"ts"`
			}{}
			return jsonscan.Object(data, i, func(key []byte, data []byte, i int) (int, bool) {
				return stringOrOther(key, data, i, "user", "ts")
			})
		case "reactions":
			return scanReactions(data, i, w)
		case "files":
			if files {
				// encoding/json decodes a second array into the first's
				// elements, which is not worth copying here.
				return 0, false
			}
			files = true
			return scanFiles(data, i, w)
		default:
			for _, k := range messageKeys {
				if strings.EqualFold(k, string(key)) {
					return 0, false
				}
			}
			return jsonscan.Value(data, i)
		}
		return readString(data, i, dst)
	})
}

// readString reads the string at data[i] into dst.
func readString(data []byte, i int, dst *string) (int, bool) {
	val, next, ok := jsonscan.String(data, i)
	*dst = string(val)
	return next, ok
}

// stringOrOther skips the value at data[i], which must be a string when
// key matches one of names in any case.
func stringOrOther(key []byte, data []byte, i int, names ...string) (int, bool) {
	for _, n := range names {
		if strings.EqualFold(n, string(key)) {
			_, next, ok := jsonscan.String(data, i)
			return next, ok
		}
	}
	return jsonscan.Value(data, i)
}

func scanReactions(data []byte, i int, w *wireMessage) (int, bool) {
	type reaction = struct {
		Name  string   `json:"name"`
		Users []string `json:"users"`
	}
	// encoding/json makes an empty array an empty slice and keeps none of
	// an earlier "reactions" key's elements.
	out := []reaction{}
	end, ok := jsonscan.Array(data, i, func(data []byte, i int) (int, bool) {
		var r reaction
		next, ok := jsonscan.Object(data, i, func(key []byte, data []byte, i int) (int, bool) {
			switch string(key) {
			case "name":
				return readString(data, i, &r.Name)
			case "users":
				r.Users = []string{}
				return jsonscan.Array(data, i, func(data []byte, i int) (int, bool) {
					val, next, ok := jsonscan.String(data, i)
					r.Users = append(r.Users, string(val))
					return next, ok
				})
			}
			if strings.EqualFold(string(key), "name") || strings.EqualFold(string(key), "users") {
				return 0, false
			}
			return jsonscan.Value(data, i)
		})
		out = append(out, r)
		return next, ok
	})
	w.Reactions = out
	return end, ok
}

// scanFiles reads a message's files, or null, into w. An element that is
// not an object, or a name or a title that is not a string, sends the
// file to the careful path, which words the problem.
func scanFiles(data []byte, i int, w *wireMessage) (int, bool) {
	if i < len(data) && data[i] == 'n' {
		return jsonscan.Value(data, i)
	}
	return jsonscan.Array(data, i, func(data []byte, i int) (int, bool) {
		var f triage.File
		next, ok := jsonscan.Object(data, i, func(key []byte, data []byte, i int) (int, bool) {
			switch string(key) {
			case "name":
				return readString(data, i, &f.Name)
			case "title":
				return readString(data, i, &f.Title)
			}
			if strings.EqualFold(string(key), "name") || strings.EqualFold(string(key), "title") {
				return 0, false
			}
			return jsonscan.Value(data, i)
		})
		w.Files = append(w.Files, f)
		return next, ok
	})
}
