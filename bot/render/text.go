package render

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/internal/slackmarkup"
	"github.com/sprintguard/sprintguard/triage"
)

// Block Kit limits that the renderers respect.
const (
	maxSectionText = 3000 // section, context and fallback text
	maxHeaderText  = 150
	maxPlainLabel  = 75 // button and option text
	maxMessage     = 50 // blocks per message
	maxView        = 100
	maxButtonValue = 2000
	maxInput       = 3000 // plain_text_input max_length
	maxSummary     = triage.MaxSummary
)

const ellipsis = "…"

// Escape makes s safe to show in Slack mrkdwn: Slack reads &, < and > as
// control characters, so user text could otherwise forge mentions such as
// <!channel> or links. It is safe for concurrent use.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return mrkdwnEscaper.Replace(s)
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// EscapeLinking is Escape for text a team wrote in its config, such as a
// rule's answer: the markup slackmarkup.Kept matches stays, its http(s) links
// (written <url|label>, <url> or bare) and its mentions of a channel, a
// person or a user group, and everything else, <!channel> included, is
// shown as text. A URL's & is written &amp;, as Slack writes it.
func EscapeLinking(s string) string {
	if !strings.ContainsAny(s, "&<>") && !strings.Contains(s, "http") {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range slackmarkup.Kept.FindAllStringSubmatchIndex(s, -1) {
		url, label := s[m[0]:m[1]], ""
		if m[2] >= 0 {
			url = s[m[2]:m[3]]
			if m[4] >= 0 {
				label = s[m[4]:m[5]]
			}
		} else if trimmed := strings.TrimRight(url, ".,;:!?)'\""); trimmed != url {
			// A bare URL ending a sentence does not take its full stop.
			m[1] -= len(url) - len(trimmed)
			url = trimmed
		}
		b.WriteString(Escape(s[last:m[0]]))
		b.WriteString("<" + Escape(url))
		if label != "" {
			b.WriteString("|" + Escape(label))
		}
		b.WriteString(">")
		last = m[1]
	}
	b.WriteString(Escape(s[last:]))
	return b.String()
}

// clip cuts mrkdwn s to at most max runes, marking the cut with "…". It
// never leaves half an entity (&amp;) or half a <...> token behind, since
// Slack would show the broken markup instead of the text.
func clip(s string, max int) string {
	head, cut := cutRunes(s, max)
	if !cut {
		return s
	}
	if i := strings.LastIndexByte(head, '<'); i >= 0 && !strings.Contains(head[i:], ">") {
		head = head[:i]
	}
	if i := strings.LastIndexByte(head, '&'); i >= 0 && !strings.Contains(head[i:], ";") {
		head = head[:i]
	}
	return head + ellipsis
}

// clipPlain cuts plain text s to at most max runes, marking the cut with "…".
func clipPlain(s string, max int) string {
	head, cut := cutRunes(s, max)
	if !cut {
		return s
	}
	return head + ellipsis
}

// cutRunes returns s cut to max-1 runes, leaving room for the ellipsis, and
// whether it had to cut at all.
func cutRunes(s string, max int) (string, bool) {
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	if max <= 1 {
		return "", true
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i], true
		}
		n++
	}
	return s, false
}

// oneLine collapses all whitespace in s, so that multi-line user text fits
// a list line or a title.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// short renders user text as one escaped line of at most n runes. It cuts
// before escaping so that & or < in the text do not shorten it further.
func short(s string, n int) string { return Escape(clipPlain(oneLine(s), n)) }

// mention renders a user mention, which Slack shows as the person's name.
func mention(user string) string {
	if user == "" {
		return "someone"
	}
	if strings.HasPrefix(user, triage.SystemActor) {
		return "sprintguard"
	}
	return "<@" + Escape(user) + ">"
}

// channel renders where a message was posted: a channel link for public and
// private channels, words for direct messages, which have no link.
func channel(id, name string) string {
	switch {
	case id == "" && name == "":
		return ""
	case strings.HasPrefix(id, "D"):
		return "a direct message"
	case id != "":
		return "<#" + Escape(id) + ">"
	}
	return "#" + Escape(strings.TrimPrefix(name, "#"))
}

// link renders text as a link to url; text is user text and gets escaped.
// A '|' in the URL would end it early, so it is percent-encoded.
func link(url, text string) string {
	if url == "" {
		return Escape(text)
	}
	return "<" + Escape(strings.ReplaceAll(url, "|", "%7C")) + "|" + Escape(text) + ">"
}

// num formats a budget figure: at most two decimals and no trailing zeros,
// so that 0.1+0.2 shows as 0.3.
func num(f float64) string { return plural.Num(f) }

// amount renders a figure with its unit, e.g. "3 points", "1 point".
func amount(f float64, unit string) string {
	if unit == "" {
		return num(f)
	}
	return num(f) + " " + Escape(plural.Noun(f, unit))
}

// percent renders a fraction as a whole percentage, or with one decimal when
// that is what the fraction says (12.5%).
func percent(fraction float64) string {
	if math.IsNaN(fraction) || math.IsInf(fraction, 0) {
		return "?%"
	}
	return strconv.FormatFloat(math.Round(fraction*1000)/10, 'f', -1, 64) + "%"
}

// Date and time layouts; times are always shown in the team's zone.
const (
	dayLayout   = "Mon 2 Jan"
	stampLayout = "Mon 2 Jan 15:04 MST"
)

func day(t time.Time, loc *time.Location) string   { return t.In(loc).Format(dayLayout) }
func stamp(t time.Time, loc *time.Location) string { return t.In(loc).Format(stampLayout) }

// zone returns the team's time zone, UTC when there is no team to ask.
func zone(team *triage.Team) *time.Location {
	if team == nil || team.Location == nil {
		return time.UTC
	}
	return team.Location
}

// unit returns the team's budget unit, "" when unknown.
func unit(team *triage.Team) string {
	if team == nil {
		return ""
	}
	return team.Budget.Unit
}

// age renders how long ago something happened, coarsely: "under 1m",
// "5m", "3h", "2d".
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under 1m"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// duration renders a rule's SLA target the way rules write it: "15m",
// "4h", "1h30m".
func duration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
