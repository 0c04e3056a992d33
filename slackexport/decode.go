package slackexport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/sprintguard/sprintguard/internal/jsonscan"
)

// badElement is returned by an element check to skip the element with a
// problem at off bytes into it.
type badElement struct {
	off int64
	msg string
}

func (b *badElement) Error() string { return b.msg }

// decodeArray streams the JSON array in data (the contents of file),
// decoding one element at a time into a fresh T and passing it to fn with
// the element's raw bytes. An element that has the wrong shape or that fn
// rejects with a *badElement becomes a problem and is skipped; a syntax
// error ends the file, keeping the elements before it.
func decodeArray[T any](file string, data []byte, problems []Problem, fn func(v *T, raw []byte) error) []Problem {
	report := func(off int64, msg string) {
		line, col := position(data, off)
		problems = append(problems, Problem{File: file, Line: line, Column: col, Msg: msg})
	}
	// Editors on Windows add a byte order mark; blanking it keeps columns right.
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		data = append([]byte("   "), data[3:]...)
	}
	i := jsonscan.SkipSpace(data, 0)
	if i == len(data) {
		report(int64(i), "file is empty, want a JSON array")
		return problems
	}
	if data[i] != '[' {
		report(int64(i), fmt.Sprintf("file is a JSON %s, want an array", kindAt(data, i)))
		return problems
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		report(int64(i), "syntax error: "+err.Error())
		return problems
	}
	end := dec.InputOffset()
	for first := true; dec.More(); first = false {
		start := jsonscan.SkipSpace(data, int(end))
		if !first {
			if data[start] != ',' {
				report(int64(start), "syntax error: expected comma after array element; rest of file skipped")
				return problems
			}
			start = jsonscan.SkipSpace(data, start+1)
		}
		v := new(T)
		err := dec.Decode(v)
		var typeErr *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &typeErr) {
			off, msg := locateSyntaxError(data, start)
			report(off, "syntax error: "+msg+"; rest of file skipped")
			return problems
		}
		end = dec.InputOffset()
		raw := data[start:end]
		switch {
		case data[start] != '{':
			report(int64(start), fmt.Sprintf("element is a JSON %s, want an object; skipped", kindAt(data, start)))
		case typeErr != nil:
			off, msg := describeTypeError(raw, typeErr)
			report(int64(start)+off, msg+"; element skipped")
		default:
			var bad *badElement
			if err := fn(v, raw); errors.As(err, &bad) {
				report(int64(start)+bad.off, bad.msg+"; element skipped")
			} else if err != nil {
				report(int64(start), err.Error()+"; element skipped")
			}
		}
	}
	i = jsonscan.SkipSpace(data, int(end))
	if !at(data, i, ']') {
		if i == len(data) {
			report(int64(i), "syntax error: unexpected end of file, want ]")
		} else {
			report(int64(i), fmt.Sprintf("syntax error: found %q, want ]", data[i]))
		}
		return problems
	}
	if j := jsonscan.SkipSpace(data, i+1); j < len(data) {
		report(int64(j), "data after the closing ] ignored")
	}
	return problems
}

func at(data []byte, i int, c byte) bool { return i < len(data) && data[i] == c }

// locateSyntaxError finds the first syntax error in the value starting at
// start. json.Decoder's offsets are relative to internal buffers, so the
// value is re-checked on its own, where offsets count from its first byte.
func locateSyntaxError(data []byte, start int) (int64, string) {
	var raw json.RawMessage
	err := json.Unmarshal(data[start:], &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return int64(start), "malformed value"
	}
	if se.Offset >= int64(len(data)-start) {
		return int64(len(data)), "unexpected end of file"
	}
	return int64(start) + max(se.Offset-1, 0), se.Error()
}

// describeTypeError turns a type mismatch into "ts is a JSON number, want a
// string", placed at the value of the offending top-level key.
func describeTypeError(raw []byte, e *json.UnmarshalTypeError) (int64, string) {
	field := e.Field
	if field == "" {
		field = "element"
	}
	msg := fmt.Sprintf("%s is a JSON %s, want %s", field, e.Value, kindOf(e.Type))
	top, _, _ := strings.Cut(e.Field, ".")
	if off, ok := valueOffset(raw, top); ok {
		return off, msg
	}
	return max(e.Offset-1, 0), msg
}

// valueOffset returns where the value of key starts in the JSON object raw.
func valueOffset(raw []byte, key string) (int64, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return 0, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		if tok == key {
			i := jsonscan.SkipSpace(raw, int(dec.InputOffset()))
			if at(raw, i, ':') {
				i = jsonscan.SkipSpace(raw, i+1)
			}
			return int64(i), true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return 0, false
		}
	}
	return 0, false
}

// kindAt names the JSON kind of the value starting at data[i].
func kindAt(data []byte, i int) string {
	switch c := data[i]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	default:
		return fmt.Sprintf("value starting with %q", c)
	}
}

// kindOf names the JSON kind a Go type is decoded from.
func kindOf(t reflect.Type) string {
	if t == nil {
		return "another kind"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return kindOf(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}
