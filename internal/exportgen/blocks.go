package exportgen

import "strings"

// block is the rich_text block Slack clients attach to every message a
// person types; exports keep it next to the mrkdwn text.
type block struct {
	Type     string        `json:"type"`
	BlockID  string        `json:"block_id"`
	Elements []richSection `json:"elements"`
}

type richSection struct {
	Type     string        `json:"type"`
	Elements []richElement `json:"elements"`
}

type richElement struct {
	Type        string     `json:"type"`
	Text        string     `json:"text,omitempty"`
	UserID      string     `json:"user_id,omitempty"`
	ChannelID   string     `json:"channel_id,omitempty"`
	UsergroupID string     `json:"usergroup_id,omitempty"`
	Range       string     `json:"range,omitempty"`
	URL         string     `json:"url,omitempty"`
	Name        string     `json:"name,omitempty"`
	Unicode     string     `json:"unicode,omitempty"`
	Style       *textStyle `json:"style,omitempty"`
}

type textStyle struct {
	Bold bool `json:"bold,omitempty"`
	Code bool `json:"code,omitempty"`
}

// emojiCodes holds the code points Slack records for the standard emoji the
// generator uses; custom emoji have none.
var emojiCodes = map[string]string{
	"eyes": "1f440", "pray": "1f64f", "fire": "1f525", "tada": "1f389",
	"rotating_light": "1f6a8", "rocket": "1f680", "white_check_mark": "2705",
	"sweat_smile": "1f605", "thinking_face": "1f914", "wave": "1f44b",
	"disappointed": "1f61e", "sunny": "2600-fe0f", "coffee": "2615",
	"speech_balloon": "1f4ac", "ticket": "1f3ab", "warning": "26a0-fe0f",
	"x": "274c", "+1": "1f44d", "sob": "1f62d", "upside_down_face": "1f643",
	"burrito": "1f32f", "smile": "1f604", "pizza": "1f355", "100": "1f4af",
	"raised_hands": "1f64c", "slightly_smiling_face": "1f642", "hourglass": "231b",
	"heavy_check_mark": "2714-fe0f", "point_up": "261d-fe0f", "bug": "1f41b",
	"money_with_wings": "1f4b8", "grimacing": "1f62c", "lock": "1f512", "key": "1f511", "mag": "1f50d",
	"umbrella": "2602-fe0f", "sparkles": "2728", "calendar": "1f4c6",
}

var entityDecoder = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// richText converts the mrkdwn the generator writes into the rich_text
// elements a Slack client would have sent with it.
func richText(blockID, text string) []block {
	var els []richElement
	addText := func(s string, style *textStyle) {
		if s == "" {
			return
		}
		s = entityDecoder.Replace(s)
		if n := len(els); n > 0 && style == nil && els[n-1].Type == "text" && els[n-1].Style == nil {
			els[n-1].Text += s
			return
		}
		els = append(els, richElement{Type: "text", Text: s, Style: style})
	}
	plain := 0
	for i := 0; i < len(text); {
		c := text[i]
		var el *richElement
		var styled string
		var style *textStyle
		end := -1
		switch {
		case c == '<':
			if j := strings.IndexByte(text[i:], '>'); j > 0 {
				end = i + j + 1
				el = reference(text[i+1 : i+j])
			}
		case c == ':' && (i == 0 || !isWordByte(text[i-1])):
			if j := strings.IndexByte(text[i+1:], ':'); j > 0 && isEmojiName(text[i+1:i+1+j]) {
				end = i + j + 2
				name := text[i+1 : i+1+j]
				el = &richElement{Type: "emoji", Name: name, Unicode: emojiCodes[name]}
			}
		case c == '`':
			if j := strings.IndexByte(text[i+1:], '`'); j > 0 {
				end = i + j + 2
				styled, style = text[i+1:i+1+j], &textStyle{Code: true}
			}
		case c == '*' && (i == 0 || text[i-1] == ' '):
			if j := strings.IndexByte(text[i+1:], '*'); j > 0 && text[i+1] != ' ' && text[i+j] != ' ' {
				end = i + j + 2
				styled, style = text[i+1:i+1+j], &textStyle{Bold: true}
			}
		}
		if end < 0 {
			i++
			continue
		}
		addText(text[plain:i], nil)
		if el != nil {
			els = append(els, *el)
		} else {
			addText(styled, style)
		}
		i, plain = end, end
	}
	addText(text[plain:], nil)
	return []block{{
		Type:     "rich_text",
		BlockID:  blockID,
		Elements: []richSection{{Type: "rich_text_section", Elements: els}},
	}}
}

// reference converts the inside of one <...> span.
func reference(ref string) *richElement {
	target, label, _ := strings.Cut(ref, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		return &richElement{Type: "user", UserID: target[1:]}
	case strings.HasPrefix(target, "#"):
		return &richElement{Type: "channel", ChannelID: target[1:]}
	case strings.HasPrefix(target, "!subteam^"):
		return &richElement{Type: "usergroup", UsergroupID: strings.TrimPrefix(target, "!subteam^")}
	case strings.HasPrefix(target, "!"):
		return &richElement{Type: "broadcast", Range: target[1:]}
	default:
		return &richElement{Type: "link", URL: target, Text: entityDecoder.Replace(label)}
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isEmojiName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '+') {
			return false
		}
	}
	return s != ""
}
