package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// decodeClassifyLine reads one JSON line of `classify` input into in. The
// common line, a flat object of known keys with string values, is read by
// hand without allocating a decoder; anything else (another value kind, an
// unknown or differently cased key, a surrogate escape, bad syntax) goes
// through encoding/json with unknown fields refused, which also words every
// error. It is safe for concurrent use.
func decodeClassifyLine(line []byte, in *classifyLine) error {
	var fast classifyLine
	if scanFlatStrings(line, fast.field) {
		*in = fast
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	err := dec.Decode(in)
	if err == nil && dec.More() {
		err = errors.New("more after the object")
	}
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
// storing each through field, and reports whether it could: false means
// the caller must decode data another way (and may have seen some fields
// stored). Repeated keys keep the last value, as encoding/json does.
func scanFlatStrings(data []byte, field func(key []byte) *string) bool {
	i := skipJSONSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipJSONSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipJSONSpace(data, i+1) == len(data)
	}
	for {
		key, next, ok := scanJSONString(data, i)
		if !ok {
			return false
		}
		dst := field(key)
		if dst == nil {
			return false
		}
		i = skipJSONSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipJSONSpace(data, i+1)
		val, next, ok := scanJSONString(data, i)
		if !ok {
			return false
		}
		*dst = string(val)
		i = skipJSONSpace(data, next)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipJSONSpace(data, i+1)
		case '}':
			return skipJSONSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}

// scanJSONString reads the JSON string starting at data[i] and returns its
// value (data itself when there was nothing to unescape) and the index after
// its closing quote. It declines (ok false) what it cannot decode exactly as
// encoding/json would: control characters, invalid UTF-8, surrogate escapes.
func scanJSONString(data []byte, i int) (val []byte, next int, ok bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, 0, false
	}
	start := i + 1
	var buf []byte // nil until the first escape
	for j := start; j < len(data); {
		c := data[j]
		switch {
		case c == '"':
			if buf == nil {
				return data[start:j], j + 1, true
			}
			return buf, j + 1, true
		case c < 0x20:
			return nil, 0, false
		case c == '\\':
			if buf == nil {
				buf = append(make([]byte, 0, len(data)-start), data[start:j]...)
			}
			if j+1 >= len(data) {
				return nil, 0, false
			}
			switch e := data[j+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := hex4(data, j+2)
				if !ok || (r >= 0xD800 && r <= 0xDFFF) {
					return nil, 0, false
				}
				buf = utf8.AppendRune(buf, r)
				j += 6
				continue
			default:
				return nil, 0, false
			}
			j += 2
		case c < utf8.RuneSelf:
			if buf != nil {
				buf = append(buf, c)
			}
			j++
		default:
			r, size := utf8.DecodeRune(data[j:])
			if r == utf8.RuneError && size == 1 {
				return nil, 0, false
			}
			if buf != nil {
				buf = append(buf, data[j:j+size]...)
			}
			j += size
		}
	}
	return nil, 0, false
}

// hex4 reads the four hex digits of a \u escape at data[i:].
func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func skipJSONSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
