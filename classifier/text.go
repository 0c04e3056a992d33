package classifier

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a word's byte range in a tokenizer's lower-cased buffer.
type span struct{ start, end int32 }

// tokenizer lower-cases text rune by rune into buf and records where its
// words are. Lowering into one buffer costs a single (reused) allocation per
// text instead of one string per word.
type tokenizer struct {
	buf    []byte
	words  []span
	inWord bool
	start  int
	longS  bool // the text has 'ſ'; see prefilter.foldS
}

func (t *tokenizer) reset() {
	t.buf = t.buf[:0]
	t.words = t.words[:0]
	t.inWord = false
	t.longS = false
}

// asciiLower and asciiWord make the common ASCII case a table lookup.
var asciiLower, asciiWord = func() (lower [utf8.RuneSelf]byte, word [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		lower[c] = byte(unicode.ToLower(rune(c)))
		word[c] = isWordRune(rune(c))
	}
	return lower, word
}()

// isWordRune reports whether r belongs to a word. Marks count, so that a
// letter followed by a combining accent (a decomposed "é") stays one word.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// feed appends s to the text. Words may continue across calls.
func (t *tokenizer) feed(s []byte) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			t.mark(asciiWord[c])
			t.buf = append(t.buf, asciiLower[c])
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == '\u017f' {
			t.longS = true
		}
		r = unicode.ToLower(r)
		t.mark(isWordRune(r))
		t.buf = utf8.AppendRune(t.buf, r)
		i += size
	}
}

// mark opens or closes a word before a rune is appended.
func (t *tokenizer) mark(word bool) {
	if word == t.inWord {
		return
	}
	if word {
		t.start = len(t.buf)
	} else {
		t.words = append(t.words, span{int32(t.start), int32(len(t.buf))})
	}
	t.inWord = word
}

// finish closes the last word.
func (t *tokenizer) finish() { t.mark(false) }

func (t *tokenizer) word(i int) []byte { return t.buf[t.words[i].start:t.words[i].end] }

// gap is the text between word i-1 and word i.
func (t *tokenizer) gap(i int) []byte { return t.buf[t.words[i-1].end:t.words[i].start] }

// canonGapRune maps punctuation that phones substitute while typing
// (typographic apostrophes and quotes, Unicode hyphens) to the ASCII that
// people write in rules, so "can’t" from iOS matches a rule saying "can't".
// Other runes are returned as they are.
func canonGapRune(r rune) rune {
	if a, ok := canonRune(r); ok && a != 0 {
		return rune(a)
	}
	return r
}

// canonRune returns the ASCII byte that rules spell r with, and whether r
// has one; 0 with true means r is invisible and is dropped. Chat clients
// and phones put these in for the ASCII people meant: typographic
// apostrophes and quotes, Unicode hyphens, the non-breaking and other
// fixed-width spaces that a paste from a web page or a double space in
// Slack leaves, and invisible runes. Rules are written in ASCII, and a
// regex's \s and ' match only ASCII.
//
// The invisible runes are dropped as Unicode's word boundaries (UAX #29)
// treat them: a soft hyphen is a hyphenation point inside a word, a
// zero-width joiner or non-joiner shapes the letters or emoji around it,
// and a word joiner (or a byte order mark, its old spelling) says "no
// break here". The zero-width space is the exception, and canonString
// decides it by its neighbours (see zeroWidthBreak).
func canonRune(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		return 0, false
	}
	switch r {
	case '\u2018', '\u2019', '\u02bc', '\u2032':
		return '\'', true
	case '\u201c', '\u201d', '\u2033':
		return '"', true
	case '\u2010', '\u2011':
		return '-', true
	case '\u00a0', '\u1680', '\u202f', '\u205f', '\u3000':
		return ' ', true
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return 0, true
	}
	if r >= '\u2000' && r <= '\u200a' { // en quad to hair space
		return ' ', true
	}
	return 0, false
}

// isBlankRune reports whether r separates words without being punctuation:
// whitespace, or an invisible rune that canonRune drops.
func isBlankRune(r rune) bool {
	a, ok := canonRune(r)
	return unicode.IsSpace(r) || ok && (a == 0 || a == ' ')
}

// canonString returns s with canonRune applied, so that every rule, and
// the normalizer's own tests for URLs, logs and emphasis, see ASCII where
// the writer meant it. Text without such a rune is returned as is, after
// one scan, without allocating.
func canonString(s string) string {
	i := 0
	// Most requests are ASCII: eight bytes at a time find that sooner.
	for i+8 <= len(s) && s[i]|s[i+1]|s[i+2]|s[i+3]|s[i+4]|s[i+5]|s[i+6]|s[i+7] < utf8.RuneSelf {
		i += 8
	}
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if _, ok := canonRune(r); ok {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if a, ok := canonRune(r); !ok {
			b.WriteString(s[i : i+size])
		} else if a != 0 {
			b.WriteByte(a)
		} else if r == '\u200b' && zeroWidthBreak(b.String(), s[i+size:]) {
			b.WriteByte(' ')
		}
		i += size
	}
	return b.String()
}

// zeroWidthBreak reports whether a zero-width space between before and
// after is a word break. Pasted web text has one between two words whose
// space was lost ("the\u200bsite is down"), and a page puts one after
// punctuation so that a long URL, path or snake_case name can wrap; only
// between letters or digits did the writer see two words. Other invisible
// runes after it are skipped, since canonString drops them.
func zeroWidthBreak(before, after string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	if !isWordRune(r) || r == '_' {
		return false
	}
	for after != "" {
		r, size := utf8.DecodeRuneInString(after)
		if a, ok := canonRune(r); !ok || a != 0 {
			return isWordRune(r) && r != '_'
		}
		after = after[size:]
	}
	return false
}

// gapMatches reports whether a gap in the text holds exactly the
// punctuation want (canonical, without whitespace), ignoring whitespace.
func gapMatches(gap []byte, want string) bool {
	j := 0
	for i := 0; i < len(gap); {
		r, size := utf8.DecodeRune(gap[i:])
		i += size
		if isBlankRune(r) {
			continue
		}
		if j >= len(want) {
			return false
		}
		w, wsize := utf8.DecodeRuneInString(want[j:])
		if canonGapRune(r) != w {
			return false
		}
		j += wsize
	}
	return j == len(want)
}

// term is a keyword or phrase, compiled.
type term struct {
	words []string // lower-cased
	// forms[k] are the text words that words[k] matches: itself and its
	// inflections (see Forms).
	forms [][]string
	// formIDs[k] are the vocab numbers of forms[k] (see Set.vocab).
	formIDs [][]int32
	// gaps[k] is the punctuation between words[k-1] and words[k], without
	// whitespace and canonicalised; gaps[0] is always "".
	gaps []string
}

// key identifies a term so that rules sharing a keyword share its lookup.
func (t term) key() string {
	var b strings.Builder
	for k, w := range t.words {
		b.WriteString(t.gaps[k])
		b.WriteByte(0)
		b.WriteString(w)
		b.WriteByte(1)
	}
	return b.String()
}

// parseTerm compiles a keyword as written in a rule. The error explains what
// to write instead.
func parseTerm(s string) (term, error) {
	var tk tokenizer
	tk.feed([]byte(strings.TrimSpace(s)))
	tk.finish()
	if len(tk.words) == 0 {
		return term{}, fmt.Errorf("%q has no letters or digits; write a word or phrase, or use regex", s)
	}
	first, last := tk.words[0], tk.words[len(tk.words)-1]
	inner := string(tk.buf[first.start:last.end])
	if first.start > 0 || int(last.end) < len(tk.buf) {
		return term{}, fmt.Errorf("%q starts or ends with punctuation, but keywords match whole words; write %q, or use regex", s, inner)
	}
	t := term{words: make([]string, len(tk.words)), forms: make([][]string, len(tk.words)), gaps: make([]string, len(tk.words))}
	for k := range tk.words {
		t.words[k] = string(tk.word(k))
		t.forms[k] = Forms(t.words[k])
		if k == 0 {
			continue
		}
		var g strings.Builder
		for _, r := range string(tk.gap(k)) {
			if !isBlankRune(r) {
				g.WriteRune(canonGapRune(r))
			}
		}
		t.gaps[k] = g.String()
	}
	return t, nil
}

// at reports whether the term's words follow word i of tk, which the caller
// has already found to be a form of the term's first word, before word end;
// vocab numbers the words of tk.
func (t *term) at(tk *tokenizer, vocab []int32, i, end int) bool {
	if i+len(t.words) > end {
		return false
	}
	for k := 1; k < len(t.words); k++ {
		if !slices.Contains(t.formIDs[k], vocab[i+k]) || !gapMatches(tk.gap(i+k), t.gaps[k]) {
			return false
		}
	}
	return true
}
