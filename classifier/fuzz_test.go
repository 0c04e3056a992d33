package classifier

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// fuzzTerms are the keywords FuzzClassify checks against refMatch; each has
// a continue rule labelling the decision "kw<i>" when it matches.
var fuzzTerms = []string{
	"deploy", "on-call", "access request", "can't", "échec", "straße", "5xx", "_x", "disk is full", "a-b-c",
}

func fuzzRules() []Rule {
	var rules []Rule
	for i, term := range fuzzTerms {
		rules = append(rules, Rule{Name: fmt.Sprintf("kw%d", i), Any: []string{term}, Continue: true, Labels: []string{fmt.Sprintf("kw%d", i)}})
	}
	return append(rules,
		Rule{Name: "sev1", Regex: `(?i)\bsev(?:erity)?[ -]?1\b`, Urgency: P1},
		Rule{Name: "cve", Regex: `(?i)CVE-\d{4}-\d{4,}`, Urgency: P2},
		Rule{Name: "stop", Regex: `(?i)\bstop\b|ÉCHEC`, Urgency: P2},
		Rule{Name: "deploy-blocked", All: []string{"deploy", "blocked"}, None: []string{"staging"}, Urgency: P2},
		Rule{Name: "question", Any: []string{"question", "how do i"}, Urgency: P4},
		Rule{Name: "default", Default: true, Urgency: P3},
	)
}

func FuzzClassify(f *testing.F) {
	f.Add("Deploy blocked on prod", "the deploy job is stuck, can't release")
	f.Add("SEV-1: ÉCHEC du déploiement", "access\n request for on - call; disk  is full")
	s := mustCompile(f, fuzzRules(), Options{})
	// plain has the same rules without regex prefilters, as the reference
	// for what the prefilters must not change.
	plain := PlainRegexps(s)
	refs := make([]*regexp.Regexp, len(fuzzTerms))
	for i, term := range fuzzTerms {
		refs[i] = refRegexp(term)
	}
	f.Fuzz(func(t *testing.T, summary, details string) {
		in := Input{Summary: summary, Details: details}
		d := s.Classify(in)
		if d.Rule == "" || !d.Urgency.Valid() {
			t.Fatalf("decision without rule or urgency: %+v", d)
		}
		if e := d.Explain(); !strings.HasPrefix(e, d.Urgency.String()+" because ") {
			t.Fatalf("Explain() = %q", e)
		}
		if ref := plain.Classify(in); !equalDecision(d, ref) {
			t.Fatalf("prefilter changed the decision:\n got %+v\nwant %+v", d, ref)
		}
		// Keywords see the normalized prose, which Normalize's own tests
		// pin down; here the tokenizer is checked against a regexp.
		text := Normalize(summary).Prose + "\n" + Normalize(details).Prose
		lower := strings.Map(unicode.ToLower, text)
		for i, term := range fuzzTerms {
			got := slices.Contains(d.Labels, fmt.Sprintf("kw%d", i))
			if want := refs[i].MatchString(lower); got != want {
				t.Errorf("keyword %q in %q: matched %v, reference says %v", term, text, got, want)
			}
		}
	})
}
