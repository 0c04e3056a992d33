package slackexport

import (
	"slices"
	"testing"
)

func TestPlainText(t *testing.T) {
	users := map[string]User{
		"U0PLAT002": {ID: "U0PLAT002", Name: "bilal", RealName: "Bilal Haddad"},
		"U0PLAT001": {ID: "U0PLAT001", Name: "alice", RealName: "Alice Martin", DisplayName: "alice"},
	}
	tests := []struct {
		name, text, want string
	}{
		{"plain", "deploy stuck at canary", "deploy stuck at canary"},
		{"user mention by real name", "hey <@U0PLAT002> can you look?", "hey @Bilal Haddad can you look?"},
		{"user mention by display name", "<@U0PLAT001> ping", "@alice ping"},
		{"unknown user with label", "<@U0NOBODY|nobody> ping", "@nobody ping"},
		{"unknown user", "<@U0NOBODY> ping", "@U0NOBODY ping"},
		{"channel with name", "see <#C0PLATHELP|platform-help>", "see #platform-help"},
		{"channel without name", "see <#C0PLATHELP>", "see #C0PLATHELP"},
		{"link with label", "<https://ci.acme.io/p/1|pipeline #1> failed", "pipeline #1 failed"},
		{"bare link", "docs: <https://wiki.acme.io/x?a=1&amp;b=2>", "docs: https://wiki.acme.io/x?a=1&b=2"},
		{"mailto", "mail <mailto:ops@acme.io|ops@acme.io> or <mailto:sre@acme.io>", "mail ops@acme.io or sre@acme.io"},
		{"here", "<!here> API returning 502s", "@here API returning 502s"},
		{"here with label", "<!here|here> hi", "@here hi"},
		{"channel and everyone", "<!channel> <!everyone>", "@channel @everyone"},
		{"user group", "<!subteam^S0PLAT|@platform-oncall> help", "@platform-oncall help"},
		{"user group without label", "<!subteam^S0PLAT> help", "@S0PLAT help"},
		{"date with fallback", "due <!date^1788250100^{date_short}|Sep 1, 2026>", "due Sep 1, 2026"},
		{"entities", "a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"},
		{"double escaped stays single escaped", "&amp;lt;", "&lt;"},
		{"other entities untouched", "&quot;hi&quot;", "&quot;hi&quot;"},
		{"entity in label", "<https://x.io|Q&amp;A>", "Q&A"},
		{"unclosed bracket kept", "oops <@U0PLAT002 never closed", "oops <@U0PLAT002 never closed"},
		{"empty label falls back to url", "<https://x.io|>", "https://x.io"},
		{"emoji and formatting kept", ":fire: *URGENT!!* `checkout-api`", ":fire: *URGENT!!* `checkout-api`"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.text, users); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestPlainTextNilUsers(t *testing.T) {
	if got, want := PlainText("<@U1> hi", nil), "@U1 hi"; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}

func TestWebLinks(t *testing.T) {
	text := "<https://a.example.com/x?p=1&amp;q=2|a> <mailto:ops@example.com> <#C1|general> <http://b.example.com> <https://c.example.com"
	want := []string{"https://a.example.com/x?p=1&q=2", "http://b.example.com"}
	if got := WebLinks(text); !slices.Equal(got, want) {
		t.Errorf("WebLinks = %q, want %q", got, want)
	}
}
