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
		before, ref, after, ok := cutSpan(text)
		if !ok {
			break
		}
		b.WriteString(unescape(before))
		b.WriteString(reference(ref, users))
		text = after
	}
	b.WriteString(unescape(text))
	return b.String()
}

// WebLinks returns the http and https addresses that text, in Slack
// mrkdwn, links to, in order and unescaped: the <...> spans PlainText
// renders, so that serve reads a message's links where it reads its words.
func WebLinks(text string) []string {
	var links []string
	for {
		_, ref, after, ok := cutSpan(text)
		if !ok {
			return links
		}
		target, _, _ := strings.Cut(ref, "|")
		if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
			links = append(links, unescape(target))
		}
		text = after
	}
}

// cutSpan cuts text around its first <...> span: the text before it, the
// span's inside and the text after it. ok is false when no span is left.
func cutSpan(text string) (before, ref, after string, ok bool) {
	open := strings.IndexByte(text, '<')
	if open < 0 {
		return text, "", "", false
	}
	end := strings.IndexByte(text[open:], '>')
	if end < 0 {
		return text, "", "", false
	}
	return text[:open], text[open+1 : open+end], text[open+end+1:], true
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
