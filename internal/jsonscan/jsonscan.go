// Package jsonscan reads the few JSON shapes that hot paths decode by hand
// (a flat object of strings, a Slack message), declining whatever it cannot
// read exactly as encoding/json would, so that callers fall back to it.
// Its functions are pure and safe for concurrent use.
package jsonscan

import "unicode/utf8"

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

// Skip returns the index just after the JSON value starting at data[i],
// which must be valid JSON (see json.Valid): it checks nothing.
func Skip(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch data[i] {
		case '"':
			i++
			for i < len(data) && data[i] != '"' {
				if data[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			i++
		default:
			if depth == 0 {
				for i < len(data) {
					switch data[i] {
					case ',', '}', ']', ' ', '\t', '\n', '\r':
						return i
					}
					i++
				}
				return i
			}
			i++
		}
		if depth == 0 {
			return i
		}
	}
	return i
}
