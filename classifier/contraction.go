package classifier

import "unicode/utf8"

// contractions maps a contraction typed without its apostrophe ("cant",
// "doesnt") to where the apostrophe goes, counted in bytes from the word's
// start. People type fast in Slack and phones drop the apostrophe; rules
// are written with it ("can't", "isn't working"), so restoring it in the
// prose lets one keyword, and one regex, catch both spellings.
//
// Two entries are also other words: "cant" (jargon) and "wont" (habit) are
// nouns. They are rare in requests to an infrastructure team, while "cant
// push" and "wont load" are common, so the clash is accepted. Words that
// are common in their own right ("its", "lets", "were", "well", "ill",
// "hell", "shell") are not listed: reading "its" as "it's" would change
// what rules see.
var contractions = map[string]int{
	"arent": 4, "cant": 3, "couldnt": 6, "didnt": 4, "doesnt": 5, "dont": 3, "hadnt": 4, "hasnt": 4,
	"havent": 5, "isnt": 3, "mustnt": 5, "neednt": 5, "shouldnt": 7, "wasnt": 4, "werent": 5, "wont": 3,
	"wouldnt": 6,
	"im":      1, "ive": 1, "whats": 4, "thats": 4, "theres": 5, "heres": 4, "youre": 3, "theyre": 4, "weve": 2,
	"theyve": 4, "youve": 3,
}

// maxContraction is the length of the longest key of contractions, so that
// longer words are skipped without a lookup.
const maxContraction = len("shouldnt")

// restoreApostrophes rewrites the prose in b[from:], after canonString, so
// that contractions are spelled the way rules spell them: a listed
// contraction typed without its apostrophe ("cant", "Doesnt", "ISNT") gets
// it back in its place. The case of the letters is kept. Text without one
// is returned as is, without copying. It is used on prose only: pasted
// code stays as written.
func restoreApostrophes(b []byte, from int) []byte {
	if !needsApostrophes(b[from:]) {
		return b
	}
	tail := string(b[from:])
	b = b[:from]
	for i := 0; i < len(tail); {
		r, size := utf8.DecodeRuneInString(tail[i:])
		if !isWordRune(r) {
			b = utf8.AppendRune(b, r)
			i += size
			continue
		}
		end := i
		for end < len(tail) {
			r, n := utf8.DecodeRuneInString(tail[end:])
			if !isWordRune(r) {
				break
			}
			end += n
		}
		word := tail[i:end]
		if at, ok := contractionAt(word); ok {
			b = append(append(append(b, word[:at]...), '\''), word[at:]...)
		} else {
			b = append(b, word...)
		}
		i = end
	}
	return b
}

// needsApostrophes reports whether restoreApostrophes may change s: it has
// a listed word between ASCII separators or non-ASCII bytes (which
// restoreApostrophes reads as runes, and may find part of a longer word).
func needsApostrophes(s []byte) bool {
	start := 0
	for i := 0; i < len(s); i++ {
		if apostropheWord[s[i]] {
			continue
		}
		if _, ok := contractionAt(s[start:i]); ok {
			return true
		}
		start = i + 1
	}
	_, ok := contractionAt(s[start:])
	return ok
}

// apostropheWord marks the bytes of an ASCII word: letters, digits, '_'.
var apostropheWord = func() (word [256]bool) {
	for c := range utf8.RuneSelf {
		word[c] = c|0x20 >= 'a' && c|0x20 <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	return word
}()

// contractionShapes has a bit for the length of each contraction under
// its first and last letters: most words that end like one ("test",
// "make", "this") start otherwise or are longer, and are not looked up.
var contractionShapes = func() (shapes [26][26]uint16) {
	for w := range contractions {
		shapes[w[0]-'a'][w[len(w)-1]-'a'] |= 1 << len(w)
	}
	return shapes
}()

// contractionAt returns where the apostrophe goes in word, if word is a
// listed contraction in any case.
func contractionAt[T string | []byte](word T) (int, bool) {
	if len(word) < 2 || len(word) > maxContraction {
		return 0, false
	}
	first, last := word[0]|0x20-'a', word[len(word)-1]|0x20-'a'
	if first >= 26 || last >= 26 || contractionShapes[first][last]&(1<<len(word)) == 0 {
		return 0, false
	}
	var low [maxContraction]byte
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	at, ok := contractions[string(low[:len(word)])]
	return at, ok
}
