// Package typo finds the known name that a mistyped one was meant to be,
// for the "did you mean" hints of config and labels-file errors. Its
// functions are safe to call concurrently.
package typo

import "strings"

// Closest returns the candidate nearest to word by edit distance, or ""
// when none is near enough to be a plausible typo: at most 1 edit plus one
// for every 4 runes of word, and never more than 3. A candidate that
// differs from word only in case is always returned.
func Closest(word string, candidates []string) string {
	best, bestDist := "", 0
	limit := min(1+len(word)/4, 3)
	lower := strings.ToLower(word)
	for _, c := range candidates {
		d := Distance(lower, strings.ToLower(c))
		if lower != word && d == 0 {
			return c
		}
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b, in runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
