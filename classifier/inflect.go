package classifier

import (
	"slices"
	"strings"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// Forms returns the words a keyword's word w matches: w itself and, when w
// is a plain form, its regular English inflections, so that a rule written
// with "fail" also catches "fails", "failed" and "failing", and one written
// with "cert" catches "certs". A word written with -s, -ed or -ing matches
// only itself: "staging" is not "stage", "billing" is not "bill", and
// "customers can't" is not "customer can't". w must be lower-cased, as the
// tokenizer leaves it.
//
// Only inflections are added, never other words built on w: "deploy"
// matches "deploys", "deployed" and "deploying", not "deployment", and
// "runner" is not "run". Words shorter than three letters, words with
// digits, underscores or letters outside a-z, and the function words in
// fixedWords match only themselves, because their "inflections" would be
// other words ("can" and "cans", "new" and "news"). A few irregular verbs
// that requests use for outages and builds ("break": "broke", "broken") are
// listed by hand in irregular.
//
// Forms generates candidates generously: a form that is not an English word
// costs an index entry and never matches. It is pure and safe for concurrent
// use.
func Forms(w string) []string {
	if len(w) < 3 || !lowerASCII(w) || fixedWords[w] {
		return []string{w}
	}
	if inflected(w) {
		return []string{w}
	}
	for _, group := range irregular {
		switch {
		case group[0] == w:
			return slices.Clone(group)
		case slices.Contains(group, w):
			return []string{w} // "broken", "lost": already inflected
		}
	}
	out := appendForms(nil, w)
	slices.Sort(out)
	return slices.Compact(out)
}

// fixedWords are function words that keep their one form: adding an s, ed
// or ing to them makes another word.
var fixedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"all", "and", "any", "are", "but", "can", "could", "does", "down", "each", "for", "from", "had", "has",
		"have", "her", "here", "his", "how", "into", "its", "may", "might", "must", "new", "news", "nor",
		"not", "now", "off", "once", "one", "only", "our", "ours", "out", "over", "shall", "should", "since",
		"some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "thus",
		"too", "very", "was", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
		"with", "would", "yes", "yet", "you", "your", "yours", "always", "sometimes", "during", "nothing",
		"something", "anything", "everything", "thing", "things", "morning", "evening", "less", "unless",
		"right", "rights",
	} {
		m[w] = true
	}
	return m
}()

// irregular holds the irregular verbs whose forms requests use, plain form
// first: "break" matches "broke" and "broken", while "broken" in a rule is
// only itself, as any inflected word is.
var irregular = [][]string{
	{"break", "breaks", "breaking", "broke", "broken"},
	{"build", "builds", "building", "built"},
	{"run", "runs", "running", "ran"},
	{"go", "goes", "going", "went", "gone"},
	{"see", "sees", "seeing", "saw", "seen"},
	{"lose", "loses", "losing", "lost"},
	{"steal", "steals", "stealing", "stole", "stolen"},
	{"send", "sends", "sending", "sent"},
	{"take", "takes", "taking", "took", "taken"},
	{"give", "gives", "giving", "gave", "given"},
	{"write", "writes", "writing", "wrote", "written"},
	{"pay", "pays", "paying", "paid"},
	{"hang", "hangs", "hanging", "hung"},
	{"fall", "falls", "falling", "fell", "fallen"},
	{"keep", "keeps", "keeping", "kept"},
	{"die", "dies", "dying", "died"},
}

func lowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// inflected reports whether w is already an inflected form: a plural or
// third person (-s), a past (-ed) or an -ing form. Such words mean what
// they say ("staging" is not "stage", "users can't" is not "user can't"),
// so they match only themselves.
func inflected(w string) bool {
	switch {
	case hasSuffix(w, "eed"):
		return false // "need", "speed": no -ed to take away
	case hasSuffix(w, "ss"), hasSuffix(w, "us"), hasSuffix(w, "is"):
		return false // "access", "status", "analysis": no -s to take away
	case hasSuffix(w, "s"), hasSuffix(w, "ed"), hasSuffix(w, "ing"):
		return true
	}
	return false
}

// appendForms appends b and its plural, past and -ing forms.
func appendForms(out []string, b string) []string {
	n := len(b)
	last := b[n-1]
	consonantY := last == 'y' && !isVowel(b[n-2])
	// The third person is spelled as the plural: "fixes", "retries".
	out = append(out, b, plural.Noun(2, b))
	switch {
	case consonantY:
		out = append(out, b[:n-1]+"ied")
	case last == 'e':
		out = append(out, b+"d")
	default:
		out = append(out, b+"ed")
	}
	switch {
	case hasSuffix(b, "ie"):
		out = append(out, b[:n-2]+"ying")
	case last == 'e' && !hasSuffix(b, "ee") && !hasSuffix(b, "ye") && !hasSuffix(b, "oe"):
		out = append(out, b[:n-1]+"ing", b+"ing") // "using"; "queueing"
	default:
		out = append(out, b+"ing")
	}
	// A final consonant after a single vowel may double: "stop", "stopped";
	// "transfer", "transferred".
	if n >= 3 && !isVowel(last) && !strings.ContainsRune("swxy", rune(last)) && isVowel(b[n-2]) && !isVowel(b[n-3]) {
		out = append(out, b+string(last)+"ed", b+string(last)+"ing")
	}
	return out
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

func hasSuffix(w, s string) bool { return len(w) > len(s) && w[len(w)-len(s):] == s }
