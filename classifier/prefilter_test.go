package classifier

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestPrefilterFormula(t *testing.T) {
	tests := []struct {
		expr  string
		want  string // "*": no prefilter
		foldS bool
	}{
		{`deploy`, "deploy", false},
		{`Deploy`, "deploy", false},
		{`(?i)\bsev(?:erity)?[ -]?1\b`, "(sev1 | sev 1 | sev-1 | severity1 | severity 1 | severity-1)", true},
		// A small class is its runes; a digit is implied by "cve-0" to
		// "cve-9", so it is not asked for again.
		{`(?i)CVE-\d{4}-\d{4,}`, "((cve-0 | cve-1 | cve-2 | cve-3 | cve-4 | cve-5 | cve-6 | cve-7 | cve-8 | cve-9) & (0- | 1- | 2- | 3- | 4- | 5- | 6- | 7- | 8- | 9-))", false},
		{`[45]\d\d`, "(40 | 41 | 42 | 43 | 44 | 45 | 46 | 47 | 48 | 49 | 50 | 51 | 52 | 53 | 54 | 55 | 56 | 57 | 58 | 59)", false},
		{`(?i)\b(?:down|unreachable)\b`, "(down | unreachable)", false},
		{`disk (is )?full|no space left`, "(disk full | disk is full | no space left)", false},
		{`(?i)spike|\d+ ?%`, "(spike | (0% | 0 % | 1% | 1 % | 2% | 2 % | 3% | 3 % | 4% | 4 % | 5% | 5 % | 6% | 6 % | 7% | 7 % | 8% | 8 % | 9% | 9 %))", true},
		{`(?:abc)+x`, "abcx", false},
		{`a{2,}bcd`, "(abcd & aa)", false},
		// A repeat joins the run before it by how it starts and the run
		// after it by how it ends.
		{`(?i)\bfor (?:hours|days)\b|\bfor \d+ days`, "(for hours | for days | ((0 days | 1 days | 2 days | 3 days | 4 days | 5 days | 6 days | 7 days | 8 days | 9 days) & (for 0 | for 1 | for 2 | for 3 | for 4 | for 5 | for 6 | for 7 | for 8 | for 9)))", true},
		{`(?i)\bfor \d+\+? ?h\b`, "((for 0 | for 1 | for 2 | for 3 | for 4 | for 5 | for 6 | for 7 | for 8 | for 9) & (0h | 0 h | +h | + h | 1h | 1 h | 2h | 2 h | 3h | 3 h | 4h | 4 h | 5h | 5 h | 6h | 6 h | 7h | 7 h | 8h | 8 h | 9h | 9 h))", false},
		{`(?i)\b\d+ (?:in|out of) \d+\b`, "(0 in  | 0 out of  | 1 in  | 1 out of  | 2 in  | 2 out of  | 3 in  | 3 out of  | 4 in  | 4 out of  | 5 in  | 5 out of  | 6 in  | 6 out of  | 7 in  | 7 out of  | 8 in  | 8 out of  | 9 in  | 9 out of )", false},
		// An alternation starts as one of its branches does.
		{`(?i)\b(?:not|never) (?:sync\w*|mirror\w*)`, "(not sync | not mirror | never sync | never mirror)", true},
		// Every part of a concatenation is needed, not only its best one.
		{`(?i)\b(?:errors?|down)\b[^.]{0,50}\bsince yesterday\b`, "(since yesterday & (error | down))", true},
		{`(?i)ÉCHEC`, "*", false},
		{`ÉCHEC`, "échec", false},
		{`x*`, "*", false},
		{`\d+`, "(0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9)", false},
		{`\w+`, "*", false},
		{`a|\d`, "(0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | a)", false},
		{`a|\w`, "*", false},
		{`(?:ab)?`, "*", false},
		{`(?:ab)?cd`, "cd", false},
		// Parts with few texts are multiplied out; a text holding
		// "deploys" holds "deploy".
		{`(?i)\bb(?:lock|roke)\b`, "(block | broke)", false},
		{`(?i)\b(?:deploys?|deployments?|release)\b`, "(deploy | release)", true},
		// Literals of an OR's branches that hold another are left out.
		{`(?i)\bdeploy\w*|\b(?:re)?deploys?\b`, "deploy", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			var l literals
			p := l.prefilter(tt.expr)
			if got := p.q.String(l.list); got != tt.want || p.foldS != tt.foldS {
				t.Errorf("prefilter(%q) = %s foldS=%v, want %s foldS=%v", tt.expr, got, p.foldS, tt.want, tt.foldS)
			}
		})
	}
}

// TestPrefilterSharesLiterals checks that rules needing the same literal
// search for it once per text.
func TestPrefilterSharesLiterals(t *testing.T) {
	var l literals
	a, b := l.prefilter(`(?i)\bfail\w*|\berrors?\b`), l.prefilter(`(?i)\b(?:error|fail)(?:ed|s)?\b`)
	if len(l.list) != 2 {
		t.Fatalf("literals %q, want error and fail once each", l.list)
	}
	var seen litSeen
	seen.reset(len(l.list))
	text := []byte("the build failed")
	if !a.mayMatch(l.list, text, false, &seen) || !b.mayMatch(l.list, text, false, &seen) {
		t.Fatal("both regexes may match a text with fail")
	}
	if seen.known[0] != 0b11 && seen.known[0] != 0b10 && seen.known[0] != 0b01 {
		t.Errorf("known %b", seen.known[0])
	}
}

// TestPrefilterNeverHidesAMatch checks the prefilter's one promise on texts
// chosen to be awkward: whenever the regex matches, mayMatch says it may.
func TestPrefilterNeverHidesAMatch(t *testing.T) {
	exprs := []string{
		`(?i)\bsev(?:erity)?[ -]?1\b`, `(?i)CVE-\d{4}-\d{4,}`, `(?i)\bdisk (?:is )?(?:full|space)\b`,
		`ÉCHEC`, `(?i)kelvin`, `(?i)stop`, `Straße`, `(?i)\b(?:spike|doubled)\b|\d+ ?%`, `σ`,
		`(?i)\b(?:all|none of (?:the|our))\b[^.]{0,40}\b(?:fail\w*|stuck)\b|\bat all\b`,
		`(?i)\bfor \d+\+? ?h\b`, `[45]\d\ds?`, `(?i)\d+ (?:in|out of) \d+`, `(?i)[ks][0-9]`, `[σ]x`, `(?i)\bnot (?:sync\w*|[sk]\w+ up)`,
	}
	texts := []string{
		"SEV1", "sev 1", "ſev1", "Severity-1 declared", "cve-2024-12345", "CVE-2024-12345",
		"DISK IS FULL", "échec", "ÉCHEC", "\u212aelvin", "KELVIN", "ſtop", "STOP", "STRASSE", "Straße",
		"costs doubled", "up 40 %", "ΣΊΣΥΦΟΣ", "ς", "\xffsev1\xfe", "", "None of our builds are ſtuck",
		"ALL jobs FAILING", "not at all", "down for 12h", "FOR 3 H", "for 4+ h", "a 503", "a 404s", "1 in 20", "2 OUT OF 3",
		"\u212a9", "ſ1", "S2", "Σx", "σx", "not ſynced", "NOT \u212aEPT UP", "not SHOWING up",
	}
	for _, expr := range exprs {
		re := regexp.MustCompile(expr)
		var l literals
		p := l.prefilter(expr)
		for _, text := range texts {
			var tk tokenizer
			tk.feed([]byte(text))
			tk.finish()
			var seen litSeen
			seen.reset(len(l.list))
			if re.MatchString(text) && !p.mayMatch(l.list, tk.buf, tk.longS, &seen) {
				t.Errorf("%q matches %q but the prefilter ruled it out", expr, text)
			}
		}
	}
}

// TestPrefilterNeverHidesAMatchGenerated holds the prefilter's promise on
// patterns made at random from literals, small classes, repeats,
// options and alternations, on texts of the same few runes, so that
// every way of joining parts (runs, affixes, fitting, pruning) is met.
func TestPrefilterNeverHidesAMatchGenerated(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 11))
	atoms := []string{`a`, `b`, `ab`, `ba`, `s`, `[ab]`, `[45]`, `\d`, `[ -]`, `x`, `\b`, ` `, `(?i:k)`, `(?i:s)`}
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 || rnd.IntN(3) == 0 {
			return atoms[rnd.IntN(len(atoms))]
		}
		switch rnd.IntN(7) {
		case 0:
			return gen(depth-1) + `|` + gen(depth-1)
		case 1:
			return `(?:` + gen(depth-1) + `)?`
		case 2:
			return `(?:` + gen(depth-1) + `)+`
		case 3:
			return `(?:` + gen(depth-1) + `)*`
		case 4:
			return `(?:` + gen(depth-1) + `){0,2}`
		case 5:
			return `(?:` + gen(depth-1) + `){1,3}`
		}
		return `(?:` + gen(depth-1) + gen(depth-1) + gen(depth-1) + `)`
	}
	runes := []rune("aAbBsSſ0459 -xkK\u212a\n")
	var texts []string
	for range 300 {
		var b strings.Builder
		for range rnd.IntN(12) {
			b.WriteRune(runes[rnd.IntN(len(runes))])
		}
		texts = append(texts, b.String())
	}
	matched := 0
	for range 1000 {
		expr := gen(4)
		if rnd.IntN(3) == 0 {
			expr = `(?i)` + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		var l literals
		p := l.prefilter(expr)
		for _, text := range texts {
			if !re.MatchString(text) {
				continue
			}
			matched++
			var tk tokenizer
			tk.feed([]byte(text))
			tk.finish()
			var seen litSeen
			seen.reset(len(l.list))
			if !p.mayMatch(l.list, tk.buf, tk.longS, &seen) {
				t.Fatalf("%q matches %q but the prefilter %s ruled it out", expr, text, p.q.String(l.list))
			}
		}
	}
	if matched < 50000 {
		t.Fatalf("only %d matches: the patterns test little", matched)
	}
}
