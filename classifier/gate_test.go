package classifier

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// persistentProblem is the example rules' pattern that made gates worth
// having: alternations joined by bounded gaps, 906 instructions once case
// folding is compiled in, split into pieces at two levels.
const persistentProblem = `(?i)\b(?:problems?|issues?|errors?|fail\w*|broken|down|unreachable|outage|[45]\d\d|[45]\d\ds|time[sd]? ?outs?|timing out)\b[^.!?\n]{0,50}(?:\bfor (?:hours|days|several hours|several days|\d+\+? ?(?:hours|h|days))\b|\bfor (?:the (?:last|past) |over (?:a |the )?|more than (?:a )?|about (?:a )?|a(?:bout)? )?(?:(?:a few|a couple of|several|two|three|four|five|six|\d+) )?(?:day|days|week|weeks|night|weekend|hours)\b|\bsince (?:yesterday|last night|last week|the weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday|the (?:\w+[ -]){0,2}(?:release|update|upgrade|deploy|deployment|change|migration|rotation|move|switch|outage|incident))\b|\bfor (?:a few|a couple of|several|two|three|four|five) (?:hours|days)\b|\ball (?:day|morning|afternoon|night)\b)|\b(?:for|over|past) (?:the (?:last|past) )?\d+\+? ?(?:hours|h)\b[^.!?\n]{0,50}\b(?:problems?|issues?|errors?|fail\w*|broken|down|unreachable|outage)\b`

var gateTexts = []string{
	"", "errors since yesterday", "Errors since YESTERDAY!", "the build is failing for 3 hours now",
	"FAILED. for hours", "failing, really, for hours", "for the last 4h lots of 503 errors",
	"for the past 12 hours: everything is down", "down all morning", "down\nall morning",
	"timeouts since the big upgrade", "timeouts since the very big bad upgrade", "time out since monday",
	"outage for 2days", "nothing wrong for hours", "ſince yesterday errors", "ERRORS ſINCE YESTERDAY",
	"issue since the release", "issues since the de-ploy release", "problems for days", "broken for about a week",
	"errors for several hours", "fail for a couple of days", "unreachable for more than a weekend", "broken for the weekend",
	strings.Repeat("down ", 40) + "since yesterday", "503 since the migration",
}

// A gate opens exactly on the texts its pattern matches, and every piece
// is small enough for regexp's backtracker.
func TestGateAgreesWithPattern(t *testing.T) {
	for _, expr := range []string{
		persistentProblem,
		`(?i)(\bci\b|builds?)[^.]{0,80}(red|fail(ed|ing)?)` + strings.Repeat(`|x{1,3}y`, 3) + `|(?m:^\s*[\w.-]+\s+(?:down|dead)\b)`,
	} {
		t.Run(expr[:20], func(t *testing.T) {
			var l literals
			g := l.gate(expr)
			re := regexp.MustCompile(expr)
			parsed, _ := syntax.Parse(expr, syntax.Perl)
			if progSize(parsed.Simplify()) > maxBacktrack && len(g) < 2 {
				t.Fatalf("%d pieces for a pattern of %d instructions", len(g), progSize(parsed.Simplify()))
			}
			for _, b := range g {
				p, _ := syntax.Parse(b.re.String(), syntax.Perl)
				if n := progSize(p.Simplify()); n > maxBacktrack {
					t.Errorf("piece %s has %d instructions", b.re, n)
				}
			}
			matched := 0
			for _, text := range gateTexts {
				want := re.MatchString(text)
				got := false
				for _, b := range g {
					got = got || b.re.MatchString(text)
				}
				if g != nil && got != want {
					t.Errorf("%q: gate pieces match %v, pattern %v", text, got, want)
				}
				if want {
					matched++
				}
			}
			if matched == 0 || matched == len(gateTexts) {
				t.Fatalf("the texts match %d of %d: they test nothing", matched, len(gateTexts))
			}
		})
	}
}

// source writes a pattern that matches what the parsed one does, classes
// included, and gives up when the pattern holds its placeholder runes.
func TestSourceMatchesAsParsed(t *testing.T) {
	texts := []string{"", "a", "A", "ab\nAB", "x.y", "Kelvin K", "ſ", "end", "\nend\n", "σς", "tab\there", "\U000F0000", "ÉCHEC"}
	for _, expr := range []string{
		`[^.!?\n]{2,4}`, `(?i)k[a-c]+`, `(?i)échec|σ`, `(?m)^end$`, `\Aend\z`, `end$`, `a.b`, `(?s)a.b`,
		`\bab\B`, `a+?b*?`, `x{2,}`, `[\x{0}-\x{10FFFF}]`, `\d\s\w\S`, `(?U)a+b`, `[[:alpha:]]+`, `\pL\p{Greek}`,
	} {
		re, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		src, ok := source(re.Simplify())
		if !ok {
			t.Errorf("%s: source gave up", expr)
			continue
		}
		got, want := regexp.MustCompile(src), regexp.MustCompile(expr)
		for _, text := range texts {
			if g, w := got.FindStringIndex(text), want.FindStringIndex(text); !equalLoc(g, w) {
				t.Errorf("%s written as %s: on %q found %v, want %v", expr, src, text, g, w)
			}
		}
	}
	for _, expr := range []string{"\U000F0000[ab]", "[ab]\U000F0000"} {
		re, _ := syntax.Parse(expr, syntax.Perl)
		if src, ok := source(re); ok && !regexp.MustCompile(src).MatchString("\U000F0000a") {
			t.Errorf("%q written as %q, which lost its placeholder rune", expr, src)
		}
	}
}

func equalLoc(a, b []int) bool {
	return len(a) == len(b) && (a == nil || a[0] == b[0] && a[1] == b[1])
}
