package classifier

import "testing"

// Harmless formatting of the same request must not change what the rules
// decide: two spaces after a sentence, Slack emphasis around words, and the
// Unicode spaces, quotes and hyphens that chat clients put in.
func TestClassifyIgnoresFormatting(t *testing.T) {
	rules := []Rule{
		{Name: "outage", Any: []string{"site is down"}, Urgency: P1},
		{Name: "service-down", Regex: `(?i)\b(?:is|went)\s+down\b|(?m:^\s*[\w.-]+\s+down\b)`, Urgency: P1},
		{Name: "deploy-blocked", Regex: `(?i)\bdeploy\s+is\s+blocked\b`, Urgency: P2},
		{Name: "quoted", Regex: `"read-only" mode|e-mail`, Urgency: P2},
		{Name: "deploy", Any: []string{"deploy"}, Urgency: P3},
		{Name: "fallback", Default: true, Urgency: P3},
	}
	s := mustCompile(t, rules, Options{})
	tests := []struct{ name, plain, formatted string }{
		{"two spaces after sentences", "Hi team. The checkout site is down. Nobody can pay. Please help asap.",
			"Hi team.  The checkout site is down.  Nobody can pay.  Please help asap."},
		{"bold", "prod down", "*prod down*"},
		{"italic", "prod is down", "_prod is down_"},
		{"strike", "prod is down", "~prod is down~"},
		{"nested", "prod is down", "*_prod is down_*"},
		{"one word", "the api is down for everyone", "the api is *down* for everyone"},
		{"around a code span", "checkout is down since `v2` shipped", "_checkout is down since `v2` shipped_"},
		{"several lines", "the site is down\nprod went down", "*the site is down*\n_prod went down_"},
		{"non-breaking space", "our deploy is blocked", "our deploy\u00a0is blocked"},
		{"narrow and ideographic spaces", "our deploy is blocked", "our\u202fdeploy\u3000is\u2009blocked"},
		{"zero-width space", "our deploy is blocked", "our deploy\u200b is blocked"},
		{"zero-width joiner in a word", "the site is down", "the si\u200dte is down"},
		{"curly quotes", `db in "read-only" mode`, "db in \u201cread-only\u201d mode"},
		{"Unicode hyphen", "my e-mail bounces", "my e\u2010mail bounces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := s.Classify(Input{Summary: tt.plain})
			if want.Default {
				t.Fatalf("%q: no rule matched; the case tests nothing", tt.plain)
			}
			got := s.Classify(Input{Summary: tt.formatted})
			if got.Rule != want.Rule || got.Urgency != want.Urgency {
				t.Errorf("%q: rule %s %s, want %s %s as for %q (prose %q)", tt.formatted, got.Rule, got.Urgency,
					want.Rule, want.Urgency, tt.plain, Normalize(tt.formatted).Prose)
			}
		})
	}
}

// Markers count only in pairs at word edges, as Slack renders them: names,
// wildcards, globs, arithmetic and code keep their characters.
func TestNormalizeEmphasis(t *testing.T) {
	tests := []struct{ in, prose, code string }{
		{in: "*prod down*", prose: "prod down"},
		{in: "_prod is down_, ~maybe~ *really*!", prose: "prod is down, maybe really!"},
		{in: "(*urgent*) and \"_now_\"", prose: "(urgent) and \"now\""},
		{in: "*_both_* ~*three* marks~", prose: "both three marks"},
		{in: "set snake_case_names and __init__ and my_var_", prose: "set snake_case_names and __init__ and my_var_"},
		{in: "certs for *.example.com and *.example.org", prose: "certs for *.example.com and *.example.org"},
		{in: "upload dist/*.whl and build/*.tar.gz", prose: "upload dist/*.whl and build/*.tar.gz"},
		{in: "5 * 3 * 2 and a*b*c", prose: "5 * 3 * 2 and a*b*c"},
		{in: "cd ~/src and ~/bin", prose: "cd ~/src and ~/bin"},
		{in: "*unclosed and _open", prose: "*unclosed and _open"},
		{in: "run `rm *_old_*` _now_", prose: "run   now", code: "rm *_old_*"},
		{in: "_2026-01-02T10:00:00Z ERROR *db* down_", code: "2026-01-02T10:00:00Z ERROR *db* down"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Normalize(tt.in)
			if got.Prose != tt.prose || got.Code != tt.code {
				t.Errorf("Normalize(%q) = %q, %q; want %q, %q", tt.in, got.Prose, got.Code, tt.prose, tt.code)
			}
		})
	}
}

// Prose and code both reach the rules with ASCII spaces, quotes and hyphens,
// and without invisible runes; other non-ASCII text stays.
func TestNormalizeUnicodeSpacesAndPunctuation(t *testing.T) {
	got := Normalize("a\u00a0b\u2007c\u3000d\u200be \u201cq\u201d it\u2019s e\u2011mail, caf\u00e9 \u2014 ok `x\u00a0=\u00a0\u2018y\u2019`")
	if want := "a b c d e \"q\" it's e-mail, caf\u00e9 \u2014 ok  "; got.Prose != want {
		t.Errorf("Prose = %q, want %q", got.Prose, want)
	}
	if want := "x = 'y'"; got.Code != want {
		t.Errorf("Code = %q, want %q", got.Code, want)
	}
	if s := "plain ASCII, caf\u00e9"; canonString(s) != s || testing.AllocsPerRun(10, func() { canonString(s) }) != 0 {
		t.Error("canonString copies text that has nothing to map")
	}
}

// Each invisible rune that web pages, Confluence and phones leave in text
// reads as what the writer saw: a zero-width space between two words is the
// space they lost, and elsewhere it and the other invisible runes are
// nothing, so neither words nor emoji are split or joined by them.
func TestNormalizeInvisibleRunes(t *testing.T) {
	tests := []struct{ name, in, prose string }{
		{"zero-width space between words", "site\u200bdown", "site down"},
		{"zero-width space between a word and a digit", "node\u200b42 down", "node 42 down"},
		{"zero-width space between decomposed letters", "cafe\u0301\u200bdown", "cafe\u0301 down"},
		{"zero-width space between scripts", "\u0434\u0430\u200bok", "\u0434\u0430 ok"},
		{"two zero-width spaces", "site\u200b\u200bdown", "site down"},
		{"zero-width space beside a space", "site \u200bdown", "site down"},
		{"zero-width space after punctuation", "re-\u200bdeploy (\u200bsoon)", "re-deploy (soon)"},
		{"zero-width space in a snake_case name", "my_\u200bvar", "my_var"},
		{"zero-width space at the edges", "\u200bsite down\u200b", "site down"},
		{"zero-width space before punctuation", "down\u200b!", "down!"},
		{"soft hyphen", "de\u00adploy", "deploy"},
		{"zero-width non-joiner", "de\u200cploy", "deploy"},
		{"zero-width joiner", "de\u200dploy", "deploy"},
		{"word joiner", "de\u2060ploy", "deploy"},
		{"byte order mark", "\ufeffde\ufeffploy", "deploy"},
		{"emoji ZWJ sequence", "prod down \U0001f469\u200d\U0001f4bb", "prod down \U0001f469\U0001f4bb"},
		{"emoji ZWJ sequence between words", "down\U0001f3f3\ufe0f\u200d\U0001f308now", "down\U0001f3f3\ufe0f\U0001f308now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in).Prose; got != tt.prose {
				t.Errorf("Normalize(%q).Prose = %q, want %q", tt.in, got, tt.prose)
			}
		})
	}
	// The rules see the same: a zero-width space between words no longer
	// hides a phrase, and a soft hyphen no longer splits a keyword.
	s := mustCompile(t, []Rule{
		{Name: "outage", Any: []string{"site is down"}, Urgency: P1},
		{Name: "deploy", Any: []string{"deployment"}, Urgency: P2},
		{Name: "fallback", Default: true, Urgency: P3},
	}, Options{})
	for in, rule := range map[string]string{
		"the\u200bsite is down":      "outage",
		"the site\u200bis\u200bdown": "outage",
		"our deploy\u00adment hangs": "deploy",
	} {
		if got := s.Classify(Input{Summary: in}); got.Rule != rule {
			t.Errorf("Classify(%q) = rule %q, want %q", in, got.Rule, rule)
		}
	}
}
