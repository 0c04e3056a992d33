package classifier

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// keywordSet compiles one rule that fires on term, for matching tests.
func keywordSet(t *testing.T, term string) *Set {
	t.Helper()
	return mustCompile(t, []Rule{
		{Name: "kw", Any: []string{term}, Urgency: P1},
		{Name: "default", Default: true, Urgency: P4},
	}, Options{})
}

func TestKeywordMatching(t *testing.T) {
	tests := []struct {
		name, term, summary, details string
		want                         bool
	}{
		{"exact", "deploy", "deploy", "", true},
		{"upper case text", "deploy", "DEPLOY the thing", "", true},
		{"upper case term", "DEPLOY", "please deploy", "", true},
		{"in details", "deploy", "help", "can you deploy it", true},
		{"prefix of longer word", "deploy", "the deployment is slow", "", false},
		{"suffix of longer word", "ploy", "deploy it", "", false},
		{"trailing punctuation", "deploy", "can you deploy?", "", true},
		{"leading punctuation", "deploy", "(deploy) please", "", true},
		{"underscore joins words", "deploy", "run deploy_prod", "", false},
		{"digits join words", "deploy", "deploy2 failed", "", false},
		{"word with digits", "5xx", "lots of 5XX errors", "", true},
		// Rules see a link's label, or its host, never its path (issue 11).
		{"url path segment", "deploy", "see https://ci.example.com/deploy/42", "", false},
		{"url host", "ci", "see https://ci.example.com/deploy/42", "", true},
		{"link host hidden by label", "grafana", "<https://grafana.example.com/d/abc|dashboard>", "", false},
		{"link label", "dashboard", "<https://grafana.example.com/d/abc|dashboard>", "", true},
		{"url longer word", "deploy", "https://ci.example.com/deployments/42", "", false},
		{"hyphen splits text words", "call", "who is on-call today", "", true},
		{"hyphenated term", "on-call", "who is ON-CALL today", "", true},
		{"hyphenated term spaced hyphen", "on-call", "who is on - call today", "", true},
		{"hyphenated term needs the hyphen", "on-call", "who is on call today", "", false},
		{"hyphenated term not joined", "on-call", "who is oncall today", "", false},
		{"hyphenated term other punctuation", "on-call", "on/call", "", false},
		{"unicode hyphen", "on-call", "who is on\u2011call", "", true},
		{"phrase", "access request", "an access request for prod", "", true},
		{"phrase many spaces", "access request", "access    request", "", true},
		{"phrase newline", "access request", "access\n request", "", true},
		{"phrase tab and nbsp", "access request", "access\t\u00a0request", "", true},
		{"phrase across summary and details", "access request", "need access", "request for prod db", true},
		{"phrase broken by comma", "access request", "access, request", "", false},
		{"phrase broken by period", "access request", "I have access. Request: none", "", false},
		{"phrase words reversed", "access request", "request access", "", false},
		{"phrase partial", "access request", "access req", "", false},
		{"phrase plural", "access request", "access requests", "", true},
		{"phrase inflected first word", "log in", "I logged in fine", "", true},
		{"inflected verb", "fail", "the build failed twice", "", true},
		{"plain term matches plural", "cert", "the certs expired", "", true},
		{"plural term only itself", "users", "one user can't log in", "", false},
		{"ing term only itself", "staging", "the stage env", "", false},
		{"derived word is another word", "deploy", "deployments are slow", "", false},
		{"irregular form", "break", "the build broke", "", true},
		{"irregular form in the rule is only itself", "broken", "the build broke", "", false},
		{"function word keeps its form", "new", "any news?", "", false},
		{"phrase written with extra spaces", "access   request", "access request", "", true},
		{"three-word phrase", "disk is full", "the DISK IS FULL on db1", "", true},
		{"three-word phrase one missing", "disk is full", "the disk full on db1", "", false},
		{"repeated first word", "access request", "access access request", "", true},
		{"apostrophe", "can't", "I can't log in", "", true},
		{"typographic apostrophe", "can't", "I can\u2019t log in", "", true},
		{"apostrophe needed", "can't", "I can t log in", "", false},
		{"accented upper case", "échec", "ÉCHEC du déploiement", "", true},
		{"accented term upper", "ÉCHEC", "échec du build", "", true},
		{"accent inside longer word", "déploiement", "le redéploiement a échoué", "", false},
		{"accented whole word", "déploiement", "le déploiement a échoué", "", true},
		{"no full case folding", "straße", "STRASSE gesperrt", "", false},
		{"sharp s lower", "straße", "Straße gesperrt", "", true},
		{"greek", "σφάλμα", "ΣΦΆΛΜΑ στον server", "", true},
		{"cyrillic", "ошибка", "Ошибка деплоя", "", true},
		{"cjk run is one word", "障害", "本番障害", "", false},
		{"cjk alone", "障害", "本番 障害 です", "", true},
		{"combining mark stays in word", "deploy", "deploy\u0301 now", "", false},
		{"emoji separates", "deploy", "🚀deploy🚀", "", true},
		{"empty text", "deploy", "", "", false},
		{"invalid utf8", "deploy", "\xffdeploy\xfe", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := keywordSet(t, tt.term).Classify(Input{Summary: tt.summary, Details: tt.details})
			if got := d.Rule == "kw"; got != tt.want {
				t.Errorf("%q in %q/%q: matched %v, want %v", tt.term, tt.summary, tt.details, got, tt.want)
			}
			if ref := refMatch(Normalize(tt.summary).Prose+"\n"+Normalize(tt.details).Prose, tt.term); ref != tt.want {
				t.Errorf("reference matcher says %v, want %v", ref, tt.want)
			}
		})
	}
}

func TestParseTermErrors(t *testing.T) {
	tests := []struct{ term, wantInMsg string }{
		{"", "no letters or digits"},
		{"  ", "no letters or digits"},
		{"--", "no letters or digits"},
		{"#ops", `write "ops"`},
		{"c++", `write "c"`},
		{"deploy!", `write "deploy"`},
		{"'quoted'", `write "quoted"`},
	}
	for _, tt := range tests {
		t.Run(tt.term, func(t *testing.T) {
			_, err := parseTerm(tt.term)
			if err == nil || !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Fatalf("parseTerm(%q) = %v, want an error containing %q", tt.term, err, tt.wantInMsg)
			}
		})
	}
}

func TestTokenizerWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"on-call_rota v2.1", []string{"on", "call_rota", "v2", "1"}},
		{"  ÉCHEC\n\nİstanbul ", []string{"échec", "istanbul"}},
		{"a\u0301b c", []string{"a\u0301b", "c"}},
		{"x\xffy", []string{"x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var tk tokenizer
			tk.feed([]byte(tt.text))
			tk.finish()
			var got []string
			for i := range tk.words {
				got = append(got, string(tk.word(i)))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("words of %q = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// refMatch is an independent, slow keyword matcher built on regexp, used to
// check the token matcher: the term's words in order, separated by its
// punctuation with optional whitespace around it (or by whitespace only),
// with no word rune on either side.
func refMatch(text, keyword string) bool {
	return refRegexp(keyword).MatchString(strings.Map(unicode.ToLower, text))
}

// refRegexp compiles refMatch's pattern for keyword, to run on lower-cased text.
func refRegexp(keyword string) *regexp.Regexp {
	const word = `\p{L}\p{Nd}\p{M}_`
	const space = `[\t\n\v\f\r\x{85}\p{Z}]`
	kw := strings.Map(unicode.ToLower, strings.TrimSpace(keyword))
	var b strings.Builder
	b.WriteString(`(?:^|[^` + word + `])`)
	inWord, gap := false, ""
	flush := func() {
		if strings.TrimFunc(gap, unicode.IsSpace) == "" {
			b.WriteString(space + `+`)
		} else {
			for _, r := range gap {
				if unicode.IsSpace(r) {
					continue
				}
				b.WriteString(space + `*`)
				switch canonGapRune(r) {
				case '\'':
					b.WriteString("['\u2018\u2019\u02bc\u2032]")
				case '-':
					b.WriteString("[-\u2010\u2011]")
				default:
					b.WriteString(regexp.QuoteMeta(string(r)))
				}
			}
			b.WriteString(space + `*`)
		}
		gap = ""
	}
	// cur is the keyword word being read; it is written as the alternation
	// of its forms once it ends.
	cur := ""
	endWord := func() {
		if cur == "" {
			return
		}
		var alts []string
		for _, f := range Forms(cur) {
			alts = append(alts, regexp.QuoteMeta(f))
		}
		b.WriteString(`(?:` + strings.Join(alts, "|") + `)`)
		cur = ""
	}
	for _, r := range kw {
		w := r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		switch {
		case w && !inWord && b.Len() > len(`(?:^|[^`+word+`])`):
			flush()
			fallthrough
		case w:
			cur += string(r)
		default:
			endWord()
			gap += string(r)
		}
		inWord = w
	}
	endWord()
	b.WriteString(`(?:$|[^` + word + `])`)
	return regexp.MustCompile(b.String())
}
