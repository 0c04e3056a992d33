package bot

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
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
// as triage.Summarize cuts every request's text, and the web links it
// carries. Slack markup becomes plain text as a replay reads an export
// (slackexport.PlainText), so that a backtest's requests read as serve's:
// serve knows no user names, so <@U1> stays @U1.
func summarize(text string) (summary, details string, links []string) {
	summary, details = triage.Summarize(slackexport.PlainText(text, nil))
	return summary, details, slackexport.WebLinks(text)
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
