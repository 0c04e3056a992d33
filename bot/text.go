package bot

import (
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

var (
	slackLink    = regexp.MustCompile(`<([^<>|]+)(?:\|([^<>]*))?>`)
	htmlReplacer = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// greetings are the words that, alone in a mention of the bot, ask for
// nothing: hellos, thanks, and "help" itself. A mention of nothing else
// gets the help rather than a ticket that says nothing. The list stays
// short on purpose: a word missing here costs a fallback ticket, a word
// too many would cost a request.
var greetings = map[string]bool{
	"hi": true, "hey": true, "hello": true, "hiya": true, "yo": true, "morning": true,
	"thanks": true, "thank": true, "you": true, "thx": true, "ty": true, "cheers": true,
	"please": true, "pls": true, "help": true,
}

// wordless reports whether text holds nothing a request could be: no word
// once mentions, emoji, punctuation and greetings are removed, read as the
// rules read it (classifier.Normalize), and no pasted code or log.
func wordless(text string) bool {
	t := classifier.Normalize(text)
	if strings.TrimSpace(t.Code) != "" {
		return false
	}
	for _, w := range classifier.SplitWords(t.Prose) {
		if !greetings[w] {
			return false
		}
	}
	return true
}

// summarize turns a Slack message's text into a summary and details, cut
// as triage.Summarize cuts every request's text, and the links it
// carries. Slack markup becomes plain text first: <@U1> becomes @U1,
// <url|label> becomes label.
func summarize(text string) (summary, details string, links []string) {
	plain := slackLink.ReplaceAllStringFunc(text, func(m string) string {
		sub := slackLink.FindStringSubmatch(m)
		target, label := sub[1], sub[2]
		switch {
		case strings.HasPrefix(target, "http://"), strings.HasPrefix(target, "https://"):
			links = append(links, target)
			if label != "" {
				return label
			}
			return target
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if label != "" {
				return target[:1] + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			return "@" + strings.TrimPrefix(strings.SplitN(target, "^", 2)[0], "!")
		}
		if label != "" {
			return label
		}
		return target
	})
	summary, details = triage.Summarize(htmlReplacer.Replace(plain))
	return summary, details, links
}

// truncate cuts s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// textOption is a plain message with no blocks.
func textOption(text string) slack.MsgOption { return slack.MsgOptionText(text, false) }
