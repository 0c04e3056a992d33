// Package jsonscan reads the few JSON shapes that hot paths decode by hand
// (a flat object of strings, a Slack message), declining whatever it cannot
// read exactly as encoding/json would, so that callers fall back to it.
// Its functions are pure and safe for concurrent use.
package jsonscan

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// String reads the JSON string starting at data[i] and returns its
// value (data itself when there was nothing to unescape) and the index after
// its closing quote. It declines (ok false) what it cannot decode exactly as
// encoding/json would: control characters, invalid UTF-8, surrogate escapes.
func String(data []byte, i int) (val []byte, next int, ok bool) {
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
				// Room for what came before and a little more: sized to the
				// rest of data, it would clear a whole file per escape.
				buf = append(make([]byte, 0, 2*(j-start)+16), data[start:j]...)
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

// SkipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func SkipSpace(data []byte, i int) int {
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

// maxDepth bounds the nesting Value follows; deeper values are declined
// (encoding/json itself stops at 10,000).
const maxDepth = 1000

// Value returns the index just after the JSON value starting at data[i],
// checking it as json.Valid would, so that a caller needs no separate
// validating pass. It declines (ok false) anything not valid JSON, and
// also strings with invalid UTF-8 and values nested deeper than 1,000.
func Value(data []byte, i int) (next int, ok bool) {
	return value(data, i, 0)
}

func value(data []byte, i, depth int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch c := data[i]; {
	case c == '"':
		return skipString(data, i)
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return 0, false
		}
		return container(data, i, depth+1)
	case c == '-' || '0' <= c && c <= '9':
		return number(data, i)
	case c == 't':
		return literal(data, i, "true")
	case c == 'f':
		return literal(data, i, "false")
	case c == 'n':
		return literal(data, i, "null")
	}
	return 0, false
}

// container checks the object or array at data[i].
func container(data []byte, i, depth int) (int, bool) {
	closer, isObject := byte(']'), data[i] == '{'
	if isObject {
		closer = '}'
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == closer {
		return i + 1, true
	}
	for {
		var ok bool
		if isObject {
			if i, ok = skipString(data, i); !ok {
				return 0, false
			}
			if i = SkipSpace(data, i); i >= len(data) || data[i] != ':' {
				return 0, false
			}
			i = SkipSpace(data, i+1)
		}
		if i, ok = value(data, i, depth); !ok {
			return 0, false
		}
		i = SkipSpace(data, i)
		switch {
		case i >= len(data):
			return 0, false
		case data[i] == closer:
			return i + 1, true
		case data[i] != ',':
			return 0, false
		}
		i = SkipSpace(data, i+1)
	}
}

// skipString checks the string at data[i] without decoding it.
func skipString(data []byte, i int) (int, bool) {
	if i >= len(data) || data[i] != '"' {
		return 0, false
	}
	for j := i + 1; j < len(data); {
		switch c := data[j]; {
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			if j+1 >= len(data) {
				return 0, false
			}
			switch data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if _, ok := hex4(data, j+2); !ok {
					return 0, false
				}
				j += 6
			default:
				return 0, false
			}
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRune(data[j:])
			if r == utf8.RuneError && size == 1 {
				return 0, false
			}
			j += size
		}
	}
	return 0, false
}

// Int reads the JSON number at data[i] as encoding/json reads one into an
// int64 and returns the index after it. Anything else, null included, is
// declined, as are a fraction and an exponent (encoding/json refuses them
// for an integer, and so does strconv.ParseInt) and a number out of range.
func Int(data []byte, i int) (v int64, next int, ok bool) {
	next, ok = numberAt(data, i)
	if !ok {
		return 0, 0, false
	}
	v, err := strconv.ParseInt(string(data[i:next]), 10, 64)
	return v, next, err == nil
}

// Float reads the JSON number at data[i] as encoding/json reads one into
// a float64 and returns the index after it; anything else, null included,
// is declined.
func Float(data []byte, i int) (v float64, next int, ok bool) {
	next, ok = numberAt(data, i)
	if !ok {
		return 0, 0, false
	}
	v, err := strconv.ParseFloat(string(data[i:next]), 64)
	return v, next, err == nil
}

// numberAt checks the JSON number at data[i] and returns the index after
// it; any other value is declined.
func numberAt(data []byte, i int) (next int, ok bool) {
	if i >= len(data) || data[i] != '-' && (data[i] < '0' || data[i] > '9') {
		return 0, false
	}
	return number(data, i)
}

// number checks a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func number(data []byte, i int) (int, bool) {
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i = digits(data, i)
	default:
		return 0, false
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func digits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

func literal(data []byte, i int, word string) (int, bool) {
	if len(data)-i < len(word) || string(data[i:i+len(word)]) != word {
		return 0, false
	}
	return i + len(word), true
}

// Array calls elem for each element of the JSON array at data[i],
// with the index of the element; elem returns the index after it and
// checks the element. A value other than a well-formed array is declined.
func Array(data []byte, i int, elem func(data []byte, i int) (int, bool)) (int, bool) {
	if i >= len(data) || data[i] != '[' {
		return 0, false
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, true
	}
	for {
		next, ok := elem(data, i)
		if !ok {
			return 0, false
		}
		var done bool
		if i, done, ok = after(data, next, ']'); !ok || done {
			return i, ok
		}
	}
}

// Object calls field for each key of the JSON object at data[i], with
// the index of its value; field returns the index after the value and
// checks the value. A value other than a well-formed object is declined.
func Object(data []byte, i int, field func(key []byte, data []byte, i int) (int, bool)) (int, bool) {
	if i >= len(data) || data[i] != '{' {
		return 0, false
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, true
	}
	for {
		key, next, ok := String(data, i)
		if !ok {
			return 0, false
		}
		if i = SkipSpace(data, next); i >= len(data) || data[i] != ':' {
			return 0, false
		}
		if next, ok = field(key, data, SkipSpace(data, i+1)); !ok {
			return 0, false
		}
		var done bool
		if i, done, ok = after(data, next, '}'); !ok || done {
			return i, ok
		}
	}
}

// after reads what follows a member at data[i]: the closer (done, and the
// index after it) or a comma (the index of the next member).
func after(data []byte, i int, closer byte) (next int, done, ok bool) {
	i = SkipSpace(data, i)
	switch {
	case i >= len(data):
		return 0, false, false
	case data[i] == closer:
		return i + 1, true, true
	case data[i] != ',':
		return 0, false, false
	}
	return SkipSpace(data, i+1), false, true
}

// Fields reads the JSON object at data[i] (after white space), calling
// field for each key among keys with the index of its value, and skipping
// (and checking) every other value. It returns the index after the
// object. A key that equals one of keys but for case is declined, as
// encoding/json matches keys case-insensitively.
func Fields(data []byte, i int, keys []string, field func(key string, i int) (int, bool)) (int, bool) {
	return Object(data, SkipSpace(data, i), func(k, data []byte, i int) (int, bool) {
		switch key, known := lookupKey(k, keys); {
		case known:
			return field(key, i)
		case key != "":
			return 0, false // the same key but for case
		}
		return Value(data, i)
	})
}

// lookupKey returns the entry of keys that k is, with known true; or the
// one it equals but for case (Unicode simple folding, as encoding/json's),
// with known false; or "".
func lookupKey(k []byte, keys []string) (key string, known bool) {
	for _, key := range keys {
		if string(k) == key {
			return key, true
		}
	}
	for _, key := range keys {
		if strings.EqualFold(string(k), key) {
			return key, false
		}
	}
	return "", false
}
