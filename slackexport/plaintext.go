package slackexport

import "strings"

// unescaper reverses the only three escapes Slack applies to message text.
// strings.Replacer does not rescan its output, so "&amp;lt;" becomes "&lt;".
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// PlainText turns Slack mrkdwn into the plain text that classification and
// summaries work on: <@U123> becomes @Display Name (via users), <#C123|name>
// becomes #name, <http://x|label> becomes label, <http://x> becomes
// http://x, <!here> becomes @here, <!subteam^S1|@oncall> becomes @oncall,
// and &amp; &lt; &gt; are unescaped. Emphasis markers are kept because they
// cannot be told apart from snake_case names reliably. users may be nil. It
// is safe to call concurrently as long as users is not being modified.
func PlainText(text string, users map[string]User) string {
	var b strings.Builder
	b.Grow(len(text))
	for {
		open := strings.IndexByte(text, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '>')
		if end < 0 {
			break
		}
		b.WriteString(unescape(text[:open]))
		b.WriteString(reference(text[open+1:open+end], users))
		text = text[open+end+1:]
	}
	b.WriteString(unescape(text))
	return b.String()
}

// unescape is unescaper.Replace, which copies s even when it holds no
// escape, as most of a message's text does not.
func unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return unescaper.Replace(s)
}

// reference renders the inside of one <...> span.
func reference(ref string, users map[string]User) string {
	target, label, hasLabel := strings.Cut(ref, "|")
	label = unescape(label)
	hasLabel = hasLabel && label != ""
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		if u, ok := users[id]; ok {
			return "@" + u.Label()
		}
		if hasLabel {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return "@" + id
	case strings.HasPrefix(target, "#"):
		if hasLabel {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		return special(target[1:], label, hasLabel)
	case hasLabel:
		return label
	default:
		return strings.TrimPrefix(unescape(target), "mailto:")
	}
}

// special renders <!here>, <!subteam^ID|@handle>, <!date^...|fallback> and
// other commands.
func special(cmd, label string, hasLabel bool) string {
	name, _, _ := strings.Cut(cmd, "^")
	switch name {
	case "here", "channel", "everyone":
		return "@" + name
	case "subteam":
		if hasLabel {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return "@" + strings.TrimPrefix(cmd, "subteam^")
	}
	if hasLabel {
		return label
	}
	return "@" + name
}
