package render

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/internal/slackmarkup"
	"github.com/sprintguard/sprintguard/triage"
)

func TestAnswerOffersTheRuleAnswerWithTwoButtons(t *testing.T) {
	r := testRequest(t)
	r.Decision.Rule, r.Decision.Answer = "vpn-reset", "See https://wiki.example.com/vpn?a=1&b=2"
	blocks := decode(t, Answer(r).Blocks)
	checkLimits(t, blocks, 50)
	got := texts(blocks)
	if !strings.Contains(got, "Rule `vpn-reset` has an answer for this:\nSee <https://wiki.example.com/vpn?a=1&amp;b=2>") {
		t.Errorf("text:\n%s", got)
	}
	if ids := strings.Join(actionIDs(blocks), ","); ids != ActionSolved+","+ActionNeedHelp {
		t.Errorf("actions %s", ids)
	}
	for _, id := range []string{ActionSolved, ActionNeedHelp} {
		if els := elements(blocks)[id]; len(els) != 1 || els[0]["value"] != "12" {
			t.Errorf("%s buttons %v, want one with the request id 12", id, els)
		}
	}
}

// TestAnswerSaysWhatTheRequesterChose: after a click the answer keeps its
// text and says what was chosen, and by whom, instead of the buttons, so
// that nobody presses them again.
func TestAnswerSaysWhatTheRequesterChose(t *testing.T) {
	for _, tc := range []struct {
		deflection, action, want string
	}{
		{triage.DeflectSolved, triage.ActSolved, "Solved by this answer by <@U0REQ>; no ticket was needed."},
		{triage.DeflectNeedHelp, triage.ActNeedHelp, "Still needed help by <@U0REQ>: sent on to the on-call"},
	} {
		t.Run(tc.deflection, func(t *testing.T) {
			r := testRequest(t)
			r.Decision.Rule, r.Decision.Answer = "vpn-reset", "https://wiki.example.com/vpn"
			r.Deflection = tc.deflection
			r.Events = append(r.Events, triage.Event{At: r.CreatedAt, Kind: tc.action, Actor: r.User})
			blocks := decode(t, Answer(r).Blocks)
			got := texts(blocks)
			if !strings.Contains(got, "has an answer for this:\n<https://wiki.example.com/vpn>") || !strings.Contains(got, tc.want) {
				t.Errorf("text lacks the answer or %q:\n%s", tc.want, got)
			}
			if ids := actionIDs(blocks); len(ids) != 0 {
				t.Errorf("buttons %v after the choice", ids)
			}
		})
	}
}

// A team writes its answer's links and mentions as Slack writes them; they
// stay links and mentions, while any other markup in the answer, a whole
// channel's ping included, is shown as text.
func TestAnswerKeepsTheTeamsLinks(t *testing.T) {
	for _, tc := range []struct{ answer, want string }{
		{"Follow <https://wiki.example.com/vpn?a=1&b=2|the VPN runbook> & retry.",
			"Follow <https://wiki.example.com/vpn?a=1&amp;b=2|the VPN runbook> &amp; retry."},
		{"See <https://wiki.example.com/vpn>.", "See <https://wiki.example.com/vpn>."},
		{"See https://wiki.example.com/vpn.", "See <https://wiki.example.com/vpn>."},
		{"<!channel> ask <@U0PLAT001> or <mailto:x@example.com|mail>",
			"&lt;!channel&gt; ask <@U0PLAT001> or &lt;mailto:x@example.com|mail&gt;"},
		{"Ask in <#C0PLATHELP|platform-help> or <!subteam^S0PLAT|@platform-oncall> & <#C0OPS>, not <!here> or <!everyone>.",
			"Ask in <#C0PLATHELP|platform-help> or <!subteam^S0PLAT|@platform-oncall> &amp; <#C0OPS>, not &lt;!here&gt; or &lt;!everyone&gt;."},
		{"<#platform-help> <@alice> <!subteam^oncall> <#C0X|a <b>>",
			"&lt;#platform-help&gt; &lt;@alice&gt; &lt;!subteam^oncall&gt; &lt;#C0X|a &lt;b&gt;&gt;"},
		{"<https://a.example.com|a <b> c>", "&lt;<https://a.example.com>|a &lt;b&gt; c&gt;"},
		{"x <https://a.example.com|<!here>>", "x &lt;<https://a.example.com>|&lt;!here&gt;&gt;"},
	} {
		r := testRequest(t)
		r.Decision.Rule, r.Decision.Answer = "vpn-reset", tc.answer
		msg := Answer(r)
		if got := texts(decode(t, msg.Blocks)); !strings.Contains(got, "this:\n"+tc.want+"\n") && !strings.HasSuffix(got, "this:\n"+tc.want) {
			t.Errorf("answer %q shows as:\n%s\nwant %q", tc.answer, got, tc.want)
		}
		if want := "This may answer it: " + tc.want; msg.Text != want {
			t.Errorf("answer %q has fallback %q, want %q", tc.answer, msg.Text, want)
		}
	}
}

// What check accepts in an answer (slackmarkup.Shown) is exactly what the
// answer keeps as markup, so that no accepted answer shows raw markup.
func TestAnswerKeepsWhatCheckAccepts(t *testing.T) {
	for _, m := range []string{
		"<https://wiki.example.com/vpn|the runbook>", "<http://x.example.com>", "<#C0PLATHELP|platform-help>", "<#C0OPS>",
		"<@U0PLAT001>", "<@W0ENT01|ann>", "<!subteam^S0PLAT|@platform-oncall>", "<!subteam^S0PLAT>",
		"<!here>", "<!channel>", "<!everyone|everyone>", "<#platform-help>", "<@alice>", "<!subteam^oncall>",
		"<mailto:help@example.com>", "<ftp://files.example.com|f>", "<!date^1392734382^{date}|Feb 18>",
	} {
		if !slackmarkup.Markup.MatchString(m) {
			t.Fatalf("%s is not markup to slackmarkup.Markup", m)
		}
		if kept := EscapeLinking(m) == m; kept != slackmarkup.Shown(m) {
			t.Errorf("%s: the answer keeps it %v, check accepts it %v", m, kept, slackmarkup.Shown(m))
		}
	}
}
