package cli

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/sprintguard/sprintguard/internal/jsonscan"
)

// decodeClassifyLine reads one JSON line of `classify` input into in. The
// common line, a flat object of known keys with string values, is read by
// hand without allocating a decoder, and its values without escapes are
// slices of one string made of the whole line: one allocation a line, not
// one per field. Anything else (another value kind, an unknown or
// differently cased key, a surrogate escape, bad syntax) goes through
// encoding/json with unknown fields refused, which also words every error.
// It is safe for concurrent use.
func decodeClassifyLine(line []byte, in *classifyLine) error {
	var fast classifyLine
	if scanFlatStrings(line, &fast) {
		*in = fast
		return nil
	}
	var slow classifyLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	err := dec.Decode(&slow)
	if err == nil && dec.More() {
		err = errors.New("more after the object")
	}
	*in = slow
	return err
}

// field returns where the value of the exactly named JSON key goes, or nil
// for a key encoding/json should judge.
func (l *classifyLine) field(key []byte) *string {
	switch string(key) {
	case "team":
		return &l.Team
	case "summary":
		return &l.Summary
	case "text":
		return &l.Text
	case "details":
		return &l.Details
	case "type":
		return &l.Type
	case "impact":
		return &l.Impact
	case "channel":
		return &l.Channel
	case "user":
		return &l.User
	case "at":
		return &l.At
	case "needed_by":
		return &l.NeededBy
	}
	return nil
}

// scanFlatStrings reads data as a JSON object whose values are all strings,
// storing each in its field of into, and reports whether it could: false
// means the caller must decode data another way (and may have seen some
// fields stored). Repeated keys keep the last value, as encoding/json does.
func scanFlatStrings(data []byte, into *classifyLine) bool {
	i := jsonscan.SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = jsonscan.SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return jsonscan.SkipSpace(data, i+1) == len(data)
	}
	var whole string // data as a string, made at the first value
	for {
		key, next, ok := jsonscan.String(data, i)
		if !ok {
			return false
		}
		dst := into.field(key)
		if dst == nil {
			return false
		}
		i = jsonscan.SkipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = jsonscan.SkipSpace(data, i+1)
		val, next, ok := jsonscan.String(data, i)
		if !ok {
			return false
		}
		// Every escape is longer than what it stands for, so a value as
		// long as its quoted text is that text.
		if len(val) == next-i-2 {
			if whole == "" {
				whole = string(data)
			}
			*dst = whole[i+1 : next-1]
		} else {
			*dst = string(val)
		}
		i = jsonscan.SkipSpace(data, next)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = jsonscan.SkipSpace(data, i+1)
		case '}':
			return jsonscan.SkipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}
