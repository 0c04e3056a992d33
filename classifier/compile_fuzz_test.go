package classifier

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// FuzzCompileAndClassify compiles rules made of fuzzed keywords (separated
// by ";"), a fuzzed regex and a fuzzed default urgency, then classifies
// fuzzed text. Compile must fail with Errors or give a Set whose decisions
// have a valid urgency, a rule and an explanation, and are the same every
// time. Each rule is also checked against a plain reference: the keyword
// rule decides exactly when refMatch finds one of its keywords, the regex
// rule exactly when regexp finds its pattern (whatever the prefilter
// skips), and in the set holding both, the first of them that matches.
func FuzzCompileAndClassify(f *testing.F) {
	f.Add("deploy;can't release", `(?i)\bsev[ -]?1\b`, uint8(3), "Deploy blocked on prod", "can’t release since 10:00; SEV-1")
	f.Add("disk is full", `CVE-\d{4}-\d{4,}`, uint8(2), "patch CVE-2026-12345", "")
	f.Add("échec;straße", `(?i)ÉCHEC|STRASSE`, uint8(4), "ÉCHEC du déploiement", "Hauptstraße")
	f.Add("a-b-c;5xx", `x*`, uint8(1), "a - b - c", "5xx errors") // a regex matching empty text
	f.Add(";", `(`, uint8(0), "", "")                             // nothing valid at all
	f.Add("on-call", `ſ|K`, uint8(9), "the on‑call page", "ſtop") // long s and the Kelvin sign fold
	f.Fuzz(func(t *testing.T, keywords, regex string, defUrgency uint8, summary, details string) {
		defer guardHang(keywords, regex, summary, details)()
		def := Rule{Name: "fallback", Default: true, Urgency: Urgency(defUrgency % 6)} // 0 and 5 are invalid
		words := Rule{Name: "words", Any: strings.Split(keywords, ";"), Urgency: P1}
		pattern := Rule{Name: "pattern", Regex: regex, Urgency: P2}

		wordsSet, wordsErr := compileChecked(t, []Rule{words, def})
		patternSet, patternErr := compileChecked(t, []Rule{pattern, def})
		both, bothErr := compileChecked(t, []Rule{words, pattern, def})
		if (bothErr == nil) != (wordsErr == nil && patternErr == nil) {
			t.Fatalf("the rules compile alone (words: %v, pattern: %v) but not together (%v), or the reverse", wordsErr, patternErr, bothErr)
		}

		in := Input{Summary: summary, Details: details}
		// Keywords and the regex see the normalized prose, as FuzzClassify
		// checks too: a mention such as "#0" is not text a rule matches.
		text := Normalize(summary).Prose + "\n" + Normalize(details).Prose
		if wordsSet != nil {
			d := classifyChecked(t, wordsSet, in)
			want := false
			for _, kw := range words.Any {
				want = want || refMatch(text, kw)
			}
			if got := d.Rule == "words"; got != want {
				t.Errorf("keywords %q in %q: rule decided %v, reference says %v", words.Any, text, got, want)
			}
		}
		if patternSet != nil {
			d := classifyChecked(t, patternSet, in)
			want := regexp.MustCompile(regex).MatchString(text)
			if got := d.Rule == "pattern"; got != want {
				t.Errorf("regex %q on %q: rule decided %v, regexp says %v", regex, text, got, want)
			}
		}
		if both != nil {
			want := def.Name
			switch {
			case classifyChecked(t, wordsSet, in).Rule == "words":
				want = "words"
			case classifyChecked(t, patternSet, in).Rule == "pattern":
				want = "pattern"
			}
			if d := classifyChecked(t, both, in); d.Rule != want {
				t.Errorf("with both rules, %s decided, want %s: %+v", d.Rule, want, d)
			}
		}
	})
}

// compileChecked compiles rules and checks that a failure is Errors of
// RuleErrors that each say something.
func compileChecked(t *testing.T, rules []Rule) (*Set, error) {
	t.Helper()
	s, err := Compile(rules, Options{})
	switch {
	case s == nil && err == nil:
		t.Fatal("Compile returned neither a set nor an error")
	case s != nil && err != nil:
		t.Fatalf("Compile returned a set and an error: %v", err)
	case err != nil:
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 || !errors.Is(err, ErrInvalidRule) {
			t.Fatalf("Compile error %T is not non-empty Errors: %v", err, err)
		}
		for _, e := range es {
			if e.Msg == "" || e.Error() == "" {
				t.Fatalf("Compile error without a message: %#v", e)
			}
		}
	}
	return s, err
}

// classifyChecked classifies in, checks the decision, and checks that
// classifying it again, after another text went through the Set's pooled
// memory, decides the same.
func classifyChecked(t *testing.T, s *Set, in Input) Decision {
	t.Helper()
	d := s.Classify(in)
	if !d.Urgency.Valid() || d.Rule == "" {
		t.Fatalf("decision without a valid urgency or a rule: %+v", d)
	}
	if e := d.Explain(); !strings.HasPrefix(e, d.Urgency.String()+" because ") || strings.Contains(e, "no rule was applied") {
		t.Fatalf("Explain() = %q for %+v", e, d)
	}
	s.Classify(Input{Summary: in.Details + " " + in.Summary, Details: strings.Repeat(in.Summary, 2)})
	if again := s.Classify(in); !equalDecision(d, again) {
		t.Fatalf("the same input decided twice differently:\n%+v\n%+v", d, again)
	}
	return d
}

// hangLimit is how long one fuzzed call may run before it counts as hung:
// far beyond any real input, which takes milliseconds.
const hangLimit = 10 * time.Second

// guardHang crashes the fuzz worker when the call it guards runs past
// hangLimit, so that the fuzzer records the input, since Go's fuzzer
// would otherwise wait on a hung worker for the whole -timeout. Outside
// fuzzing it does nothing, so that ordinary test runs never depend on time.
// Call the returned function when the call returns.
func guardHang(input ...string) (stop func()) {
	if f := flag.Lookup("test.fuzz"); f == nil || f.Value.String() == "" {
		return func() {}
	}
	timer := time.AfterFunc(hangLimit, func() {
		panic(fmt.Sprintf("still running after %v on input %q", hangLimit, input))
	})
	return func() { timer.Stop() }
}
