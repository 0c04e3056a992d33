package classifier

import (
	"regexp"
	"slices"
	"testing"
)

func TestPrefilterLiterals(t *testing.T) {
	tests := []struct {
		expr  string
		want  []string // nil: no prefilter
		foldS bool
	}{
		{`deploy`, []string{"deploy"}, false},
		{`Deploy`, []string{"deploy"}, false},
		{`(?i)\bsev(?:erity)?[ -]?1\b`, []string{"sev"}, true},
		{`(?i)CVE-\d{4}-\d{4,}`, []string{"cve-"}, false},
		{`(?i)\b(?:down|unreachable)\b`, []string{"down", "unreachable"}, false},
		{`disk (is )?full|no space left`, []string{"disk ", "no space left"}, false},
		{`(?i)spike|\d+ ?%`, []string{"spike", "%"}, true},
		{`(?:abc)+x`, []string{"abc"}, false},
		{`a{2,}bcd`, []string{"bcd"}, false},
		{`(?i)ÉCHEC`, nil, false},
		{`ÉCHEC`, []string{"échec"}, false},
		{`x*`, nil, false},
		{`\d+`, nil, false},
		{`a|\d`, nil, false},
		{`(?:ab)?`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p := newPrefilter(tt.expr)
			var got []string
			for _, a := range p.alts {
				got = append(got, string(a))
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) || p.foldS != tt.foldS {
				t.Errorf("prefilter(%q) = %q foldS=%v, want %q foldS=%v", tt.expr, got, p.foldS, want, tt.foldS)
			}
		})
	}
}

// TestPrefilterNeverHidesAMatch checks the prefilter's one promise on texts
// chosen to be awkward: whenever the regex matches, mayMatch says it may.
func TestPrefilterNeverHidesAMatch(t *testing.T) {
	exprs := []string{
		`(?i)\bsev(?:erity)?[ -]?1\b`, `(?i)CVE-\d{4}-\d{4,}`, `(?i)\bdisk (?:is )?(?:full|space)\b`,
		`ÉCHEC`, `(?i)kelvin`, `(?i)stop`, `Straße`, `(?i)\b(?:spike|doubled)\b|\d+ ?%`, `σ`,
	}
	texts := []string{
		"SEV1", "sev 1", "ſev1", "Severity-1 declared", "cve-2024-12345", "CVE-2024-12345",
		"DISK IS FULL", "échec", "ÉCHEC", "\u212aelvin", "KELVIN", "ſtop", "STOP", "STRASSE", "Straße",
		"costs doubled", "up 40 %", "ΣΊΣΥΦΟΣ", "ς", "\xffsev1\xfe", "",
	}
	for _, expr := range exprs {
		re := regexp.MustCompile(expr)
		p := newPrefilter(expr)
		for _, text := range texts {
			var tk tokenizer
			tk.feed([]byte(text))
			tk.finish()
			if re.MatchString(text) && !p.mayMatch(tk.buf, tk.longS) {
				t.Errorf("%q matches %q but the prefilter ruled it out", expr, text)
			}
		}
	}
}
