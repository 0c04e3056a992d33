package classifier

import "testing"

func TestNormalizeContractions(t *testing.T) {
	tests := []struct {
		name, in, prose, code string
	}{
		{name: "no apostrophe", in: "i cant push and the build doesnt start", prose: "i can't push and the build doesn't start"},
		{name: "case is kept", in: "CANT LOG IN, Isnt it up? Wont load", prose: "CAN'T LOG IN, Isn't it up? Won't load"},
		{name: "all the n't forms", in: "wasnt havent didnt couldnt arent werent hasnt wouldnt shouldnt dont",
			prose: "wasn't haven't didn't couldn't aren't weren't hasn't wouldn't shouldn't don't"},
		{name: "other contractions", in: "im stuck, whats the process, thats odd, theres no runner",
			prose: "i'm stuck, what's the process, that's odd, there's no runner"},
		{name: "typographic apostrophe", in: "it can’t reach the registry, doesn‘t ʼmatterʼ", prose: "it can't reach the registry, doesn't 'matter'"},
		{name: "already spelled right", in: "can't and won't", prose: "can't and won't"},
		{name: "words that only start or end alike", in: "cantaloupe dontcare iscant its lets were well ill",
			prose: "cantaloupe dontcare iscant its lets were well ill"},
		{name: "after a link", in: "<https://status.example.com/x|status page> wont load", prose: " status page  won't load"},
		{name: "code stays as written", in: "it says `cant connect` and dont retry", prose: "it says   and don't retry", code: "cant connect"},
		{name: "non-ASCII without apostrophes", in: "le déploiement est cassé", prose: "le déploiement est cassé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got.Prose != tt.prose {
				t.Errorf("Prose = %q, want %q", got.Prose, tt.prose)
			}
			if got.Code != tt.code {
				t.Errorf("Code = %q, want %q", got.Code, tt.code)
			}
		})
	}
}

// TestClassifyContractions checks that rules written with the apostrophe,
// as keywords or as a regex, catch the contraction typed without it or with
// a typographic one.
func TestClassifyContractions(t *testing.T) {
	tests := []struct {
		name    string
		rule    Rule
		summary string
		want    bool
	}{
		{"keyword, no apostrophe", Rule{Any: []string{"can't push"}}, "we cant push to main", true},
		{"keyword, typographic", Rule{Any: []string{"can't push"}}, "we can’t push to main", true},
		{"keyword, upper case", Rule{Any: []string{"isn't working"}}, "VPN ISNT WORKING", true},
		{"keyword with inflection after", Rule{Any: []string{"doesn't load"}}, "the page doesnt load", true},
		{"none list", Rule{Any: []string{"vpn"}, None: []string{"don't need"}}, "vpn: dont need it anymore", false},
		{"regex", Rule{Regex: `(?i)\bwon't (?:start|load)\b`}, "runner wont start", true},
		{"regex, typographic", Rule{Regex: `(?i)\bcan't\b`}, "can’t", true},
		{"rule written with a curly apostrophe", Rule{Any: []string{"haven’t synced"}}, "mirrors havent synced", true},
		{"other word left alone", Rule{Any: []string{"can't"}}, "cantaloupe", false},
		{"its is not it's", Rule{Any: []string{"it's back"}}, "its back end is slow", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Name, r.Urgency = "r", P1
			s := mustCompile(t, []Rule{r, {Name: "default", Default: true, Urgency: P4}}, Options{})
			if got := s.Classify(Input{Summary: tt.summary}).Rule == "r"; got != tt.want {
				t.Errorf("matched %v, want %v (prose %q)", got, tt.want, Normalize(tt.summary).Prose)
			}
		})
	}
}
