package cli

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/sprintguard/sprintguard/classifier"
)

// appendClassifyJSON appends res and a newline exactly as json.Encoder's
// Encode writes them (HTML characters escaped), without reflection, which
// was a seventh of the cost of a line. It reports false, having appended
// nothing, for what only encoding/json can word the error of: an invalid
// urgency or a non-finite estimate. sla caches each SLA's own MarshalJSON,
// as the rules hold only a few; it is the caller's, not shared.
func appendClassifyJSON(dst []byte, res *classifyResult, sla map[classifier.SLA][]byte) ([]byte, bool) {
	d := &res.Decision
	if !d.Urgency.Valid() || math.IsNaN(d.Estimate) || math.IsInf(d.Estimate, 0) {
		return dst, false
	}
	var slaJSON []byte
	if d.SLA != (classifier.SLA{}) {
		var ok bool
		if slaJSON, ok = sla[d.SLA]; !ok {
			b, err := d.SLA.MarshalJSON()
			if err != nil {
				return dst, false
			}
			slaJSON = b
			sla[d.SLA] = b
		}
	}
	dst = append(dst, `{"team":`...)
	dst = appendJSONString(dst, res.Team)
	dst = append(dst, `,"decision":{"urgency":"`...)
	dst = append(dst, d.Urgency.String()...)
	dst = append(dst, '"')
	if d.Category != "" {
		dst = append(dst, `,"category":`...)
		dst = appendJSONString(dst, d.Category)
	}
	if d.Estimate != 0 {
		dst = append(dst, `,"estimate":`...)
		dst = appendJSONFloat(dst, d.Estimate)
	}
	dst = appendJSONStrings(dst, `,"labels":`, d.Labels)
	if slaJSON != nil {
		dst = append(dst, `,"sla":`...)
		dst = append(dst, slaJSON...)
	}
	if d.Team != "" {
		dst = append(dst, `,"team":`...)
		dst = appendJSONString(dst, d.Team)
	}
	dst = append(dst, `,"rule":`...)
	dst = appendJSONString(dst, d.Rule)
	if d.Default {
		dst = append(dst, `,"default":true`...)
	}
	dst = appendJSONStrings(dst, `,"matched":`, d.Matched)
	dst = appendJSONStrings(dst, `,"also":`, d.Also)
	if d.Answer != "" {
		dst = append(dst, `,"answer":`...)
		dst = appendJSONString(dst, d.Answer)
	}
	dst = append(dst, `},"explanation":`...)
	dst = appendJSONString(dst, res.Explanation)
	return append(dst, "}\n"...), true
}

// appendJSONStrings appends key and list, or nothing for an empty list
// (omitempty).
func appendJSONStrings(dst []byte, key string, list []string) []byte {
	if len(list) == 0 {
		return dst
	}
	dst = append(dst, key...)
	for i, s := range list {
		if i == 0 {
			dst = append(dst, '[')
		} else {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendJSONFloat formats a finite float64 as encoding/json does: like
// ES6, with an exponent only for very small or very large magnitudes.
func appendJSONFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// appendJSONString quotes s as encoding/json does with HTML escaping on:
// <, > and & as \u003c, \u003e and \u0026, control characters escaped,
// invalid UTF-8 as \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
