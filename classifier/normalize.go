package classifier

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Text is a request's text as rules see it: Prose is what the requester
// wrote, Code is what they pasted (code blocks, inline code and log output),
// one piece per line. Normalize makes it; Classify normalizes every Input
// itself, so every way into the classifier (live intake, replay, classify,
// rules test, rules eval) sees the same text.
type Text struct {
	Prose string
	Code  string
}

// Normalize turns Slack mrkdwn, or the plain text made from it, into Text.
// In the prose a link <url|label> becomes its label and <url> or a bare URL
// becomes its host, never its path; mentions (<@U1>, <#C1|name>, <!here>,
// <!subteam^S1>, @name, #channel), emoji codes (:fire:) and the markers of
// *bold*, _italic_ and ~strike~ are removed; &lt; &gt; &amp; are unescaped.
// Fenced ``` blocks, `inline code` and lines that look like pasted log
// output (see isLogLine) go to Code as written. In both, the Unicode
// spaces, quotes and hyphens of canonRune are ASCII. It is safe to call
// concurrently.
func Normalize(s string) Text {
	prose, code := appendNormalized(nil, nil, s)
	return Text{Prose: string(prose), Code: string(code)}
}

// appendNormalized appends the prose and code of s to prose and code, so
// that Classify can reuse its buffers.
func appendNormalized(prose, code []byte, s string) ([]byte, []byte) {
	s = canonString(s)
	prevLog := false
	for s != "" {
		fence := strings.Index(s, "```")
		plain := s
		if fence >= 0 {
			plain = s[:fence]
		}
		prose, code, prevLog = appendLines(prose, code, plain, prevLog)
		if fence < 0 {
			break
		}
		// An unclosed fence runs to the end: a paste whose closing fence
		// was forgotten is still a paste.
		rest := s[fence+3:]
		end := strings.Index(rest, "```")
		if end < 0 {
			end = len(rest)
			s = ""
		} else {
			s = rest[end+3:]
		}
		code = appendCode(code, rest[:end])
		prevLog = false
	}
	return prose, code
}

// appendLines sorts the lines of s (text outside code fences) into prose and
// code. prevLog carries whether the line before was log output, so that the
// indented lines of a stack trace follow their first line.
func appendLines(prose, code []byte, s string, prevLog bool) ([]byte, []byte, bool) {
	for first := true; ; first = false {
		line, rest, more := strings.Cut(s, "\n")
		if !first {
			prose = append(prose, '\n')
		}
		// Emphasis around the whole line hides how a pasted log starts.
		if inner := unwrapEmphasis(line); isLogLine(inner, prevLog) {
			code = appendCode(code, inner)
			prevLog = true
		} else {
			prevLog = false
			prose, code = appendInline(prose, code, line)
		}
		if !more {
			return prose, code, prevLog
		}
		s = rest
	}
}

// appendInline splits one prose line at `inline code` spans.
func appendInline(prose, code []byte, line string) ([]byte, []byte) {
	from := len(prose)
	for {
		open := strings.IndexByte(line, '`')
		if open < 0 {
			break
		}
		end := strings.IndexByte(line[open+1:], '`')
		if end < 0 {
			break
		}
		prose = appendProse(prose, line[:open])
		prose = append(prose, ' ')
		code = appendCode(code, line[open+1:open+1+end])
		line = line[open+1+end+1:]
	}
	// Emphasis and contractions are handled per line, once links and
	// mentions are gone.
	return restoreApostrophes(dropEmphasis(appendProse(prose, line), from), from), code
}

// Slack mrkdwn marks *bold*, _italic_ and ~strike~ with a character at each
// edge of the words. Left in, a marker hides a word from the rules: '_' is
// a word rune ("_down_" is not "down") and '*' ends the line that a regex
// anchors at ^. Only a pair counts, opened where a word may start and
// closed where one ends, as Slack renders them, so snake_case_names,
// *.example.com, dist/*.whl and "5 * 3" keep their characters.

// isEmphasisMark reports whether c is one of Slack's emphasis markers.
func isEmphasisMark(c byte) bool { return c == '*' || c == '_' || c == '~' }

// opensEmphasis reports whether the marker s[i], after the byte prev (0 at
// the start of the line), may open emphasis: after a space, an opening
// bracket or quote or another marker, and before a word or a quote.
func opensEmphasis[T string | []byte](s T, i int, prev byte) bool {
	c := s[i]
	if prev != 0 && prev != ' ' && prev != '\t' && strings.IndexByte("([{\"'", prev) < 0 && (!isEmphasisMark(prev) || prev == c) {
		return false
	}
	if i+1 >= len(s) {
		return false
	}
	n := s[i+1]
	return n >= utf8.RuneSelf || n|0x20 >= 'a' && n|0x20 <= 'z' || n >= '0' && n <= '9' || n != c && isEmphasisMark(n) || n == '"' || n == '\'' || n == '('
}

// closesEmphasis reports whether the marker s[i] may close emphasis: after
// a byte that is not a space or the same marker, and at the end of the line
// or before a space, punctuation or another marker.
func closesEmphasis[T string | []byte](s T, i int) bool {
	c := s[i]
	if i == 0 || s[i-1] == c || s[i-1] == ' ' || s[i-1] == '\t' {
		return false
	}
	if i+1 == len(s) {
		return true
	}
	n := s[i+1]
	return n == ' ' || n == '\t' || n == '\r' || strings.IndexByte(".,;:!?)]}\"'", n) >= 0 || n != c && isEmphasisMark(n)
}

// emphasisEnd returns where the emphasis that s[i] opens closes, or -1.
func emphasisEnd[T string | []byte](s T, i int) int {
	for j := i + 2; j < len(s); j++ {
		if s[j] == s[i] && closesEmphasis(s, j) {
			return j
		}
	}
	return -1
}

// unwrapEmphasis returns line without a pair of emphasis markers around
// all of it, leading and trailing space aside, or line itself.
func unwrapEmphasis(line string) string {
	t := strings.TrimSpace(line)
	if len(t) < 3 || !isEmphasisMark(t[0]) || t[len(t)-1] != t[0] || !opensEmphasis(t, 0, 0) || emphasisEnd(t, 0) != len(t)-1 {
		return line
	}
	return t[1 : len(t)-1]
}

// dropEmphasis removes, in place, the marker pairs of one prose line
// b[from:]. Each marker character is paired on its own, so nested
// *_both_* goes too. The scan for a closer resumes past it, and one that
// finds none ends the search for that character: the work stays linear.
func dropEmphasis(b []byte, from int) []byte {
	s := b[from:]
	// Three IndexByte scans cost less than one IndexAny on most lines,
	// which have no marker.
	if bytes.IndexByte(s, '*') < 0 && bytes.IndexByte(s, '_') < 0 && bytes.IndexByte(s, '~') < 0 {
		return b
	}
	var closeAt [3]int // per marker: where its open pair closes, or 0
	var none [3]bool   // per marker: no closer is left in the line
	w := 0
	prev := byte(0) // s[i-1] as it was before s was rewritten
	for i := 0; i < len(s); i++ {
		c := s[i]
		if k := strings.IndexByte("*_~", c); k >= 0 {
			switch {
			case closeAt[k] == i && i > 0:
				closeAt[k] = 0
				prev = c
				continue
			case closeAt[k] == 0 && !none[k] && opensEmphasis(s, i, prev):
				if j := emphasisEnd(s, i); j > 0 {
					closeAt[k] = j
					prev = c
					continue
				}
				none[k] = true
			}
		}
		s[w] = c
		w++
		prev = c
	}
	return b[:from+w]
}

// appendCode appends one piece of code, unescaped, on its own line.
func appendCode(code []byte, s string) []byte {
	s = strings.Trim(s, "\r\n")
	if strings.TrimSpace(s) == "" {
		return code
	}
	if len(code) > 0 {
		code = append(code, '\n')
	}
	return appendUnescaped(code, s)
}

func appendUnescaped(dst []byte, s string) []byte {
	for s != "" {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "&lt;"):
			dst, s = append(dst, '<'), s[4:]
		case strings.HasPrefix(s, "&gt;"):
			dst, s = append(dst, '>'), s[4:]
		case strings.HasPrefix(s, "&amp;"):
			dst, s = append(dst, '&'), s[5:]
		default:
			dst, s = append(dst, '&'), s[1:]
		}
	}
	return dst
}

// appendProse appends s with links reduced to labels or hosts and without
// mentions or emoji codes. Removed spans leave a space, so that the words
// around them stay apart.
func appendProse(dst []byte, s string) []byte {
	plain := 0 // s[plain:i] is copied as written, in one append
	for i := 0; i < len(s); {
		c := s[i]
		kind := proseBytes[c]
		if kind == proseAlnum && !tokenStart(s, i) && (c|0x20 != 'h' || !isHTTP(s[i:])) || kind == prosePlain {
			i++
			continue
		}
		at := i
		switch {
		case c == '<':
			if n, ok := entityLen(s[i:]); ok {
				dst = appendEntity(append(dst, s[plain:at]...), s[i+1:i+n-1])
				i += n
			}
		case c == '@' || c == '#':
			if n := handleLen(s[i+1:]); n > 0 && !isWordByte(s, i) {
				dst = append(append(dst, s[plain:at]...), ' ')
				i += 1 + n
			}
		case c == ':':
			if n := emojiLen(s[i:]); n > 0 && !isWordByte(s, i) {
				dst = append(append(dst, s[plain:at]...), ' ')
				i += n
			}
		case c == '&':
			j := i + 1
			for j < len(s) && j < i+6 && s[j] != ';' && s[j] != '&' {
				j++
			}
			if j < len(s) && s[j] == ';' {
				dst = appendUnescaped(append(dst, s[plain:at]...), s[i:j+1])
				i = j + 1
			}
		default: // a letter or digit where a URL may start
			n, host, word := scanURL(s[i:])
			if n > 0 {
				dst = append(append(dst, s[plain:at]...), host...)
				i += n
				break
			}
			// The rest of a word that is no URL stays as written, up to
			// a byte that may start something.
			i += word
			continue
		}
		if i == at {
			i++ // nothing to rewrite: the byte stays in the plain run
			continue
		}
		plain = i
	}
	return append(dst, s[plain:]...)
}

// proseBytes sorts bytes for appendProse: those that may start something
// it rewrites, letters and digits (where a URL may start), and the rest.
var proseBytes = func() (kinds [256]uint8) {
	for _, c := range []byte("<@#:&") {
		kinds[c] = proseMark
	}
	for c := range 256 {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			kinds[c] = proseAlnum
		}
	}
	return kinds
}()

const (
	prosePlain uint8 = iota
	proseMark
	proseAlnum
)

// isWordByte reports whether the rune ending just before s[i] is a word
// rune, i.e. whether s[i] continues a word.
func isWordByte(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

// tokenStart reports whether s[i] starts a run of non-space text, where a
// URL may begin. Testing only there keeps the scan linear.
func tokenStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	switch s[i-1] {
	case ' ', '\t', '\r', '\n', '(', '<', '[', '"', '\'':
		return true
	}
	return false
}

// isHTTP reports whether s starts with an http or https URL, which is a
// URL wherever it starts ("see:https://x/y").
func isHTTP(s string) bool {
	return len(s) >= 7 && strings.EqualFold(s[:7], "http://") || len(s) >= 8 && strings.EqualFold(s[:8], "https://")
}

// entityLen returns the length of a Slack <...> entity at the start of s.
// Text from outside Slack may hold a lone "<", which stays as written.
func entityLen(s string) (int, bool) {
	end := strings.IndexAny(s[1:], "<>\n")
	if end < 0 || s[1+end] != '>' || end == 0 {
		return 0, false
	}
	inner := s[1 : 1+end]
	switch inner[0] {
	case '@', '#', '!':
		return end + 2, true
	}
	target, _, _ := strings.Cut(inner, "|")
	if schemeLen(target) > 0 && !strings.ContainsAny(target, " \t") {
		return end + 2, true
	}
	return 0, false
}

// appendEntity renders the inside of a <...> entity: a link's label (or its
// host when the label is only the URL again), or nothing for mentions.
func appendEntity(dst []byte, inner string) []byte {
	dst = append(dst, ' ')
	switch inner[0] {
	case '@', '#', '!':
		return dst
	}
	target, label, _ := strings.Cut(inner, "|")
	label = strings.TrimSpace(label)
	if label != "" {
		if n, host := bareURL(label); n == len(label) {
			label = host
		} else if looksLikeURLText(label, target) {
			label = hostOf(target)
		}
		return append(appendProse(dst, label), ' ')
	}
	return append(append(dst, hostOf(target)...), ' ')
}

// looksLikeURLText reports whether label is the link's own URL written out,
// as Slack writes it for a pasted "example.com/path".
func looksLikeURLText(label, target string) bool {
	if strings.ContainsAny(label, " \t") {
		return false
	}
	rest := target[schemeLen(target):]
	return strings.EqualFold(label, rest) || strings.HasPrefix(strings.ToLower(rest), strings.ToLower(label)) && strings.Contains(label, "/")
}

// schemeLen returns the length of a URL scheme with its separator at the
// start of s ("https://" is 8, "mailto:" is 7), or 0.
func schemeLen(s string) int {
	for i := 0; i < len(s) && i < 12; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			if strings.HasPrefix(s[i:], "://") {
				return i + 3
			}
			if strings.EqualFold(s[:i], "mailto") || strings.EqualFold(s[:i], "tel") {
				return i + 1
			}
			return 0
		default:
			return 0
		}
	}
	return 0
}

// hostOf returns a URL's host, without user info or port, or the domain of
// a mailto address.
func hostOf(u string) string {
	rest := u[schemeLen(u):]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if colon := strings.LastIndexByte(rest, ':'); colon >= 0 && !strings.Contains(rest, "]") {
		rest = rest[:colon]
	}
	return rest
}

// bareURL returns the length of a URL written out at the start of s
// ("https://x.example/a/b", or "x.example.com/a/b" without a scheme) and
// its host. It returns 0 for anything else, including a domain without a
// path, which reads as a word already.
func bareURL(s string) (int, string) {
	n, host, _ := scanURL(s)
	return n, host
}

// scanURL is bareURL, and when s starts no URL it also returns how many
// of its first bytes appendProse may copy as they are: at least one, and
// of a word without '/' or ':' (so with no URL or emoji code inside) all
// of it up to a byte after which a word may start or that starts a
// mention or an entity.
func scanURL(s string) (n int, host string, plain int) {
	any := uint8(0)
	for ; n < len(s); n++ {
		k := urlBytes[s[n]]
		if k&urlEnd != 0 {
			break
		}
		if any |= k; k&urlStop != 0 && plain == 0 {
			plain = n
		}
	}
	if any&urlSlash == 0 {
		if plain == 0 {
			plain = n
		}
		return 0, "", max(plain, 1) // every URL this cares about has a path or a scheme
	}
	tok := strings.TrimRight(s[:n], ".,;:!?)]}")
	if sl := schemeLen(tok); sl > 0 {
		return len(tok), hostOf(tok), 0 // a scheme alone has no host: nothing
	}
	cut := strings.IndexByte(tok, '/')
	if cut <= 0 || !isDomain(tok[:cut]) {
		return 0, "", 1
	}
	return len(tok), tok[:cut], 0
}

// urlBytes sorts bytes for scanURL: those that end a URL, the '/' and ':'
// one needs, and those inside a word where appendProse must look again.
var urlBytes = func() (kinds [256]uint8) {
	for _, c := range []byte(" \t\n\r<>\"'`|") {
		kinds[c] = urlEnd
	}
	kinds['/'], kinds[':'] = urlSlash, urlSlash|urlStop
	for _, c := range []byte("@#&([") {
		kinds[c] = urlStop
	}
	return kinds
}()

const (
	urlEnd   uint8 = 1 << iota // ends the URL
	urlSlash                   // a URL has one
	urlStop                    // appendProse looks at it, or a word may start after it
)

// isDomain reports whether s is a dotted host name ending in a letter TLD,
// such as status.example.com (not "1.2" or "CI").
func isDomain(s string) bool {
	dot := strings.LastIndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	for i := dot + 1; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// handleLen returns the length of a mention handle after '@' or '#'.
func handleLen(s string) int {
	n := 0
	for n < len(s) {
		c := s[n]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			break
		}
		n++
	}
	for n > 0 && (s[n-1] == '.' || s[n-1] == '-') {
		n-- // a sentence's full stop is not part of the handle
	}
	return n
}

// emojiLen returns the length of an emoji code such as :fire: or
// :skin-tone-2: at the start of s. A code has a letter and no spaces, so
// times (10:30:45) and "key: value" are left alone.
func emojiLen(s string) int {
	letter := false
	for i := 1; i < len(s) && i < 64; i++ {
		c := s[i]
		switch {
		case c == ':':
			if i == 1 || !letter {
				return 0
			}
			return i + 1
		case c >= 'a' && c <= 'z':
			letter = true
		case (c == '+' || c == '-') && i == 1:
			letter = true // :+1: and :-1:
		case c >= '0' && c <= '9', c == '_', c == '-', c == '+', c == '\'':
		default:
			return 0
		}
	}
	return 0
}
