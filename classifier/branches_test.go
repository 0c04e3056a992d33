package classifier

import (
	"slices"
	"testing"
)

// A regex split at its top-level | must report the match regexp reports for
// the whole pattern: the leftmost start, and there the first alternative.
func TestBranchesMatchLikeTheWholePattern(t *testing.T) {
	exprs := []string{`\w{2}|a\w*`, `a\w*|\w{2}`, `x\w*|ab`, `(?i)\bstop\b|ÉCHEC|ſ`, `(?i)\bdown\b|\bis \S+ down\b`, `b+|a(?:b|c)`}
	texts := []string{"abc", " abc", "xabc", "abx", "cabab", "STOP échec", "it is ſo DOWN", "is site down", "aac bbb", "nothing here"}
	for _, expr := range exprs {
		s := mustCompile(t, []Rule{{Name: "re", Regex: expr, Urgency: P1}, {Name: "default", Default: true, Urgency: P3}}, Options{})
		if s.rules[0].branches == nil {
			t.Fatalf("%q was not split", expr)
		}
		plain := PlainRegexps(s)
		for _, text := range texts {
			got, want := s.Classify(Input{Summary: text}), plain.Classify(Input{Summary: text})
			if got.Rule != want.Rule || !slices.Equal(got.Matched, want.Matched) {
				t.Errorf("%q on %q: %s %q, whole pattern %s %q", expr, text, got.Rule, got.Matched, want.Rule, want.Matched)
			}
		}
	}
}
