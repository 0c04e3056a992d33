package classifier

import (
	"strings"
	"unicode"
)

// SplitWords returns the lower-cased words of prose (Normalize's Prose),
// split at every rune that is neither a letter nor a digit: the words a
// person wrote, for matching them against word lists. It is safe to call
// concurrently.
func SplitWords(prose string) []string {
	return strings.FieldsFunc(strings.ToLower(prose), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}
