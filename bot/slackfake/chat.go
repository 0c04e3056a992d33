package slackfake

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// maxText is the longest text chat.postMessage accepts.
const maxText = 40000

// content reads what a chat method says: text, blocks and attachments,
// checked against Slack's limits. None of the three is no_text.
func content(r *request) (text string, blocks slack.Blocks, atts []slack.Attachment, err error) {
	text = r.get("text")
	if !r.has("text") && !r.has("blocks") && !r.has("attachments") ||
		text == "" && len(r.raw("blocks")) == 0 && len(r.raw("attachments")) == 0 {
		return "", blocks, nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > maxText {
		return "", blocks, nil, fail("msg_too_long")
	}
	if raw := r.raw("blocks"); len(raw) > 0 {
		var msgs []string
		if blocks, msgs = checkBlocks(raw, maxMessageBlocks, "/blocks"); msgs != nil {
			return "", blocks, nil, fail("invalid_blocks", msgs...)
		}
	}
	if raw := r.raw("attachments"); len(raw) > 0 {
		if json.Unmarshal(raw, &atts) != nil {
			return "", blocks, nil, fail("invalid_attachments")
		}
	}
	return text, blocks, atts, nil
}

func (s *Server) postMessage(r *request) (obj, error) {
	id := r.get("channel")
	if id == "" {
		return nil, fail("channel_not_found")
	}
	text, blocks, atts, err := content(r)
	if err != nil {
		return nil, err
	}
	md, _, err := readMetadata(r)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(id, "#") {
		// chat.postMessage, unlike the readers, takes a channel's name.
		named := s.namedLocked(id[1:])
		if named == nil {
			return nil, fail("channel_not_found")
		}
		id = named.id
	}
	c := s.channelLocked(id)
	m := &slack.Message{Msg: slack.Msg{
		Type:            slack.TYPE_MESSAGE,
		User:            BotUserID,
		BotID:           BotID,
		Team:            TeamID,
		Text:            text,
		Blocks:          blocks,
		Attachments:     atts,
		Timestamp:       s.nextTSLocked(),
		ThreadTimestamp: r.get("thread_ts"),
		Metadata:        md,
	}}
	if m.ThreadTimestamp != "" && r.flag("reply_broadcast") {
		m.SubType = slack.MsgSubTypeThreadBroadcast
	}
	c.insert(m)
	return obj{"channel": c.id, "ts": m.Timestamp, "message": messageJSON(m, true)}, nil
}

func (s *Server) updateMessage(r *request) (obj, error) {
	c, err := s.conversationLocked(r.get("channel"))
	if err != nil {
		return nil, err
	}
	m := c.find(r.get("ts"))
	if m == nil {
		return nil, fail("message_not_found")
	}
	if m.User != BotUserID {
		return nil, fail("cant_update_message")
	}
	text, blocks, atts, err := content(r)
	if err != nil {
		return nil, err
	}
	// chat.update replaces what it is given and keeps the rest.
	if r.has("text") {
		m.Text = text
	}
	if r.has("blocks") {
		m.Blocks = blocks
	}
	if r.has("attachments") {
		m.Attachments = atts
	}
	m.Edited = &slack.Edited{User: BotUserID, Timestamp: s.nextTSLocked()}
	return obj{"channel": c.id, "ts": m.Timestamp, "text": m.Text, "message": messageJSON(m, true)}, nil
}

func (s *Server) postEphemeral(r *request) (obj, error) {
	if r.get("channel") == "" {
		return nil, fail("channel_not_found")
	}
	if r.get("user") == "" {
		return nil, fail("user_not_in_channel")
	}
	if _, _, _, err := content(r); err != nil {
		return nil, err
	}
	return obj{"message_ts": s.nextTSLocked()}, nil
}

func (s *Server) permalink(r *request) (obj, error) {
	c, err := s.conversationLocked(r.get("channel"))
	if err != nil {
		return nil, err
	}
	m := c.find(r.get("message_ts"))
	if m == nil {
		return nil, fail("message_not_found")
	}
	link := TeamURL + "archives/" + c.id + "/p" + strings.Replace(m.Timestamp, ".", "", 1)
	if isReply(m) {
		link += "?thread_ts=" + m.ThreadTimestamp + "&cid=" + c.id
	}
	return obj{"channel": c.id, "permalink": link}, nil
}
