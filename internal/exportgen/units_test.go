package exportgen

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestEncodeSlack(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"slashes escaped", map[string]string{"url": "https://x.io/a/b"}, "{\n    \"url\": \"https:\\/\\/x.io\\/a\\/b\"\n}"},
		{"markup kept literal", []string{"<@U1> & <!here>"}, "[\n    \"<@U1> & <!here>\"\n]"},
		{"latin letter", []string{"Lindqvist L\u00f6f"}, "[\n    \"Lindqvist L\\u00f6f\"\n]"},
		{"dash and quote", []string{"it\u2019s \u2014 ok"}, "[\n    \"it\\u2019s \\u2014 ok\"\n]"},
		{"astral emoji as surrogates", []string{"\U0001F600"}, "[\n    \"\\ud83d\\ude00\"\n]"},
		{"nested indentation", map[string]any{"a": []int{1}}, "{\n    \"a\": [\n        1\n    ]\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encodeSlack(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("encodeSlack = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRichText(t *testing.T) {
	text := func(s string) richElement { return richElement{Type: "text", Text: s} }
	tests := []struct {
		name, in string
		want     []richElement
	}{
		{"plain with entities", "a &amp; b &lt;c&gt;", []richElement{text("a & b <c>")}},
		{"mention and link", "hey <@U1> see <https://x.io/a|the doc>", []richElement{
			text("hey "), {Type: "user", UserID: "U1"}, text(" see "), {Type: "link", URL: "https://x.io/a", Text: "the doc"},
		}},
		{"emoji code and bold", ":eyes: `kubectl get` *now*", []richElement{
			{Type: "emoji", Name: "eyes", Unicode: "1f440"}, text(" "),
			{Type: "text", Text: "kubectl get", Style: &textStyle{Code: true}}, text(" "),
			{Type: "text", Text: "now", Style: &textStyle{Bold: true}},
		}},
		{"custom emoji has no code point", ":partyparrot:", []richElement{{Type: "emoji", Name: "partyparrot"}}},
		{"broadcast, group and channel", "<!here> <!subteam^S1|@oc> <#C1|general>", []richElement{
			{Type: "broadcast", Range: "here"}, text(" "), {Type: "usergroup", UsergroupID: "S1"}, text(" "), {Type: "channel", ChannelID: "C1"},
		}},
		{"clock time is not an emoji", "at 10:30:00 UTC", []richElement{text("at 10:30:00 UTC")}},
		{"unclosed code stays text", "a `b", []richElement{text("a `b")}},
		{"asterisks inside words stay text", "2*3*4", []richElement{text("2*3*4")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := richText("abc", tt.in)
			if len(got) != 1 || got[0].Type != "rich_text" || got[0].BlockID != "abc" || len(got[0].Elements) != 1 {
				t.Fatalf("richText = %+v, want one rich_text block with one section", got)
			}
			if els := got[0].Elements[0].Elements; !reflect.DeepEqual(els, tt.want) {
				t.Errorf("elements = %+v, want %+v", els, tt.want)
			}
		})
	}
}

func TestOnCall(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	platform, data := teams[0], teams[1]
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		team team
		loc  *time.Location
		at   string
		want string
	}{
		{"first shift starts at the handoff", platform, chicago, "2026-01-05T16:00:00Z", "U0PLAT002"},
		{"a minute before the first handoff", platform, chicago, "2026-01-05T15:59:00Z", "U0PLAT004"},
		{"second week", platform, chicago, "2026-01-12T16:00:00Z", "U0PLAT003"},
		{"third week, Sunday night", platform, chicago, "2026-01-26T05:00:00Z", "U0PLAT004"},
		{"rotation wraps", platform, chicago, "2026-01-26T16:00:00Z", "U0PLAT002"},
		{"handoff after DST starts is 10:00 CDT", platform, chicago, "2026-03-09T15:00:00Z", "U0PLAT002"},
		{"09:59 CDT is still the old shift", platform, chicago, "2026-03-09T14:59:00Z", "U0PLAT004"},
		{"data handoff Tuesday 09:00 CET", data, berlin, "2026-01-06T08:00:00Z", "U0DATA002"},
		{"data second week", data, berlin, "2026-01-13T08:00:00Z", "U0DATA003"},
		{"data handoff after DST is 09:00 CEST", data, berlin, "2026-03-31T07:00:00Z", "U0DATA002"},
		{"data 08:59 CEST is the old shift", data, berlin, "2026-03-31T06:59:00Z", "U0DATA003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.team.onCall(utc(tt.at), tt.loc); got != tt.want {
				t.Errorf("onCall(%s) = %s, want %s", tt.at, got, tt.want)
			}
		})
	}
}

func TestUpperFirst(t *testing.T) {
	tests := []struct{ in, want string }{
		{"can I get access?", "Can I get access?"},
		{"what's up", "What's up"},
		{"dbt run fails", "dbt run fails"},
		{"e2e tests time out", "e2e tests time out"},
		{"fct_orders is stale", "fct_orders is stale"},
		{"checkout-api is down", "checkout-api is down"},
		{"API returning 502s", "API returning 502s"},
		{"<@U1> ping", "<@U1> ping"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := upperFirst(tt.in); got != tt.want {
				t.Errorf("upperFirst(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTypoKeepsMarkup(t *testing.T) {
	tests := []string{
		"please create a bucket for <@U0PLAT002> `kubectl apply` :eyes:",
		"could someone grant access to the namespace",
		"ok <@U1>",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			for seed := range uint64(50) {
				out := typo(rand.New(rand.NewPCG(seed, 1)), in)
				head := in
				if i := strings.IndexAny(in, "`<:"); i >= 0 {
					head = in[:i]
				}
				if !strings.HasSuffix(out, in[len(head):]) {
					t.Fatalf("typo(%q) = %q changed the markup", in, out)
				}
				inWords, outWords := strings.Fields(head), strings.Fields(out[:len(out)-len(in)+len(head)])
				changed := 0
				for i := range min(len(inWords), len(outWords)) {
					if inWords[i] != outWords[i] {
						changed++
					}
				}
				hasCandidate := strings.Contains(head, "please") || strings.Contains(head, "could")
				if len(inWords) != len(outWords) || (hasCandidate && changed != 1) || (!hasCandidate && out != in) {
					t.Fatalf("typo(%q) = %q: %d words changed", in, out, changed)
				}
			}
		})
	}
}

func TestSmartQuotes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"it's down", "it\u2019s down"},
		{"run `echo 'x'` now, it's fine", "run `echo 'x'` now, it\u2019s fine"},
		{"no quotes", "no quotes"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := smartQuotes(tt.in); got != tt.want {
				t.Errorf("smartQuotes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPoissonMean(t *testing.T) {
	for _, lambda := range []float64{0, 0.3, 4, 55} {
		t.Run("", func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			const n = 20000
			sum := 0
			for range n {
				sum += poisson(r, lambda)
			}
			mean := float64(sum) / n
			if d := mean - lambda; d > 0.05*lambda+0.02 || d < -0.05*lambda-0.02 {
				t.Errorf("mean of poisson(%g) = %g", lambda, mean)
			}
		})
	}
}

func TestIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for range 200 {
		if u := uuid(r); !uuidRE.MatchString(u) {
			t.Fatalf("uuid() = %q, not a version 4 UUID", u)
		}
	}
	tests := []struct {
		micros int64
		want   string
	}{
		{1767710400000200, "1767710400.000200"},
		{1788220799999999, "1788220799.999999"},
		{1000000, "1.000000"},
	}
	for _, tt := range tests {
		if got := formatTS(tt.micros); got != tt.want {
			t.Errorf("formatTS(%d) = %q, want %q", tt.micros, got, tt.want)
		}
	}
}
