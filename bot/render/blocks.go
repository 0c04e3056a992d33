package render

import (
	"strconv"

	"github.com/slack-go/slack"
)

// Message is a Slack message: blocks plus the plain Text that Slack shows
// in notifications and where blocks cannot be shown. It is a plain value,
// safe for concurrent reads.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// Options returns m as options for chat.postMessage or chat.update.
func (m Message) Options() []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
}

// message assembles a Message within Slack's limits. Renderers stay far
// below 50 blocks on their own; the cap is a last guard so that a bug shows
// as a shortened message rather than a rejected one.
func message(text string, blocks ...slack.Block) Message {
	if len(blocks) > maxMessage {
		more := len(blocks) - (maxMessage - 1)
		blocks = append(blocks[:maxMessage-1:maxMessage-1], note("and "+strconv.Itoa(more)+" more not shown"))
	}
	return Message{Text: clip(text, maxSectionText), Blocks: blocks}
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, clip(text, maxSectionText), false, false)
}

func plain(text string, max int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, clipPlain(text, max), true, false)
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(text), nil, nil)
}

func note(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(text))
}

func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(oneLine(text), maxHeaderText))
}

func button(action, value, label string, style slack.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(action, value, plain(label, maxPlainLabel))
	if style != slack.StyleDefault {
		b.WithStyle(style)
	}
	return b
}

func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(label, maxPlainLabel), nil)
}
