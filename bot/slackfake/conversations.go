package slackfake

import (
	"encoding/base64"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Paging defaults and limits of conversations.history and .replies.
const (
	historyLimit = 100
	repliesLimit = 1000
	maxLimit     = 999
	maxTopic     = 250
)

// bounds is the time window of a history or replies call, in µs; each
// bound is exclusive unless the call asked for inclusive.
type bounds struct {
	oldest, latest       int64
	hasOldest, hasLatest bool
	incOldest, incLatest bool
}

func (b bounds) contains(ts int64) bool {
	return (ts > b.oldest || b.incOldest && ts == b.oldest) &&
		(ts < b.latest || b.incLatest && ts == b.latest)
}

// Cursors are opaque to clients; like Slack's they are base64 of where the
// next page starts.
const (
	cursorOlder = "next_ts:"     // next page: older than this ts
	cursorNewer = "next_oldest:" // next page: newer than this ts
)

func encodeCursor(kind string, ts int64) string {
	return base64.StdEncoding.EncodeToString([]byte(kind + strconv.FormatInt(ts, 10)))
}

func readBounds(r *request) (bounds, error) {
	b := bounds{latest: math.MaxInt64}
	if v := r.get("oldest"); v != "" && v != "0" {
		ts, ok := parseTS(v)
		if !ok {
			return b, fail("invalid_ts_oldest")
		}
		b.oldest, b.hasOldest = ts, true
	}
	if v := r.get("latest"); v != "" {
		ts, ok := parseTS(v)
		if !ok {
			return b, fail("invalid_ts_latest")
		}
		b.latest, b.hasLatest = ts, true
	}
	b.incOldest = b.hasOldest && r.flag("inclusive")
	b.incLatest = b.hasLatest && r.flag("inclusive")
	if cur := r.get("cursor"); cur != "" {
		raw, err := base64.StdEncoding.DecodeString(cur)
		if err != nil {
			return b, fail("invalid_cursor")
		}
		kind, ts, ok := cutCursor(string(raw))
		if !ok {
			return b, fail("invalid_cursor")
		}
		// The cursor moves one bound past the last page, exclusively; the
		// other stays as the call set it.
		if kind == cursorOlder {
			b.latest, b.hasLatest, b.incLatest = ts, true, false
		} else {
			b.oldest, b.hasOldest, b.incOldest = ts, true, false
		}
	}
	return b, nil
}

func cutCursor(s string) (kind string, ts int64, ok bool) {
	for _, k := range []string{cursorOlder, cursorNewer} {
		if v, found := strings.CutPrefix(s, k); found {
			ts, err := strconv.ParseInt(v, 10, 64)
			return k, ts, err == nil
		}
	}
	return "", 0, false
}

func readLimit(r *request, def int) int {
	n, err := strconv.Atoi(r.get("limit"))
	if err != nil || n <= 0 {
		return def
	}
	return min(n, maxLimit)
}

func tsOf(m *slack.Message) int64 {
	ts, _ := parseTS(m.Timestamp)
	return ts
}

// history serves conversations.history as Slack documents it: the channel's
// messages (thread replies only when broadcast) between oldest and latest,
// newest first; when there are more than limit, those closest to latest,
// or closest to oldest when only oldest is given, so a client can page
// either way.
func (s *Server) history(r *request) (obj, error) {
	c, err := s.conversationLocked(r.get("channel"))
	if err != nil {
		return nil, err
	}
	b, err := readBounds(r)
	if err != nil {
		return nil, err
	}
	limit := readLimit(r, historyLimit)
	var in []*slack.Message // oldest first
	for _, m := range c.msgs {
		if (!isReply(m) || m.SubType == slack.MsgSubTypeThreadBroadcast) && b.contains(tsOf(m)) {
			in = append(in, m)
		}
	}
	forward := b.hasOldest && !b.hasLatest
	page := in
	if len(in) > limit {
		if forward {
			page = in[:limit]
		} else {
			page = in[len(in)-limit:]
		}
	}
	out := slices.Clone(page)
	slices.Reverse(out)
	resp := obj{"messages": messagesJSON(out, r.flag("include_all_metadata")), "has_more": len(in) > limit, "pin_count": 0}
	if len(in) > limit {
		next := encodeCursor(cursorOlder, tsOf(page[0]))
		if forward {
			next = encodeCursor(cursorNewer, tsOf(page[len(page)-1]))
		}
		resp["response_metadata"] = obj{"next_cursor": next}
	}
	if v := r.get("latest"); v != "" {
		resp["latest"] = v
	}
	return resp, nil
}

// replies serves conversations.replies: the thread that holds ts (its
// parent or any reply), parent first on every page, then the replies
// between oldest and latest, oldest first.
func (s *Server) replies(r *request) (obj, error) {
	c, err := s.conversationLocked(r.get("channel"))
	if err != nil {
		return nil, err
	}
	if r.get("ts") == "" {
		return nil, fail("invalid_arguments")
	}
	m := c.find(r.get("ts"))
	if m != nil && isReply(m) {
		m = c.find(m.ThreadTimestamp)
	}
	if m == nil {
		return nil, fail("thread_not_found")
	}
	b, err := readBounds(r)
	if err != nil {
		return nil, err
	}
	limit := readLimit(r, repliesLimit)
	var in []*slack.Message
	for _, x := range c.msgs {
		if isReply(x) && x.ThreadTimestamp == m.Timestamp && b.contains(tsOf(x)) {
			in = append(in, x)
		}
	}
	page := in[:min(limit, len(in))]
	resp := obj{"messages": messagesJSON(append([]*slack.Message{m}, page...), r.flag("include_all_metadata")), "has_more": len(in) > limit}
	if len(in) > limit {
		resp["response_metadata"] = obj{"next_cursor": encodeCursor(cursorNewer, tsOf(page[len(page)-1]))}
	}
	return resp, nil
}

func (s *Server) openConversation(r *request) (obj, error) {
	if id := r.get("channel"); id != "" {
		return obj{"channel": obj{"id": id}, "no_op": true, "already_open": true}, nil
	}
	users := splitList(r.get("users"))
	switch {
	case len(users) == 0:
		return nil, fail("users_list_not_supplied")
	case len(users) > 8:
		return nil, fail("too_many_users")
	case len(users) > 1:
		// A group DM is one conversation per set of people, whatever order
		// they are named in.
		slices.Sort(users)
		key := strings.Join(users, ",")
		_, open := s.dms[key]
		if !open {
			id := s.nextIDLocked("G")
			s.dms[key] = id
			s.channels[id] = &channel{id: id}
		}
		return obj{"channel": obj{"id": s.dms[key], "is_mpim": true}, "no_op": open, "already_open": open}, nil
	}
	_, open := s.dms[users[0]]
	id := s.dmLocked(users[0])
	return obj{
		"channel":      obj{"id": id, "is_im": true, "user": users[0], "created": time.Now().Unix()},
		"no_op":        open,
		"already_open": open,
	}, nil
}

// setTopic stores the topic and, as Slack does, posts the channel_topic
// message that announces it.
func (s *Server) setTopic(r *request) (obj, error) {
	id := r.get("channel")
	if id == "" {
		return nil, fail("channel_not_found")
	}
	topic := r.get("topic")
	if utf8.RuneCountInString(topic) > maxTopic {
		return nil, fail("too_long")
	}
	c := s.channelLocked(id)
	c.topic = topic
	c.insert(&slack.Message{Msg: slack.Msg{
		Type:      slack.TYPE_MESSAGE,
		SubType:   slack.MsgSubTypeChannelTopic,
		User:      BotUserID,
		Text:      "set the channel topic: " + topic,
		Topic:     topic,
		Timestamp: s.nextTSLocked(),
	}})
	return obj{"channel": s.channelInfo(c)}, nil
}

func (s *Server) conversationInfo(r *request) (obj, error) {
	c, err := s.conversationLocked(r.get("channel"))
	if err != nil {
		return nil, err
	}
	return obj{"channel": s.channelInfo(c)}, nil
}

// channelInfo is c as Slack's channel object, for conversations.info and
// conversations.list: in full for a channel AddChannel named, else as
// much as its id tells.
func (s *Server) channelInfo(c *channel) obj {
	if c.name != "" {
		return obj{
			"id": c.id, "name": c.name, "name_normalized": c.name,
			"is_channel": !c.private, "is_group": false, "is_im": false, "is_mpim": false,
			"is_private": c.private, "is_archived": c.archived, "is_member": !c.outside,
			"is_general": false, "is_shared": false, "is_ext_shared": false, "is_org_shared": false,
			"created": 1700000000, "creator": BotUserID, "unlinked": 0,
			"topic":   obj{"value": c.topic, "creator": "", "last_set": 0},
			"purpose": obj{"value": "", "creator": "", "last_set": 0},
		}
	}
	info := obj{
		"id":        c.id,
		"is_member": true,
		"topic":     obj{"value": c.topic, "creator": BotUserID, "last_set": 0},
		"purpose":   obj{"value": "", "creator": "", "last_set": 0},
	}
	switch {
	case c.user != "":
		info["is_im"], info["user"] = true, c.user
	case strings.HasPrefix(c.id, "G"):
		info["is_mpim"], info["is_private"] = true, true
	default:
		info["is_channel"] = true
		info["name"] = strings.ToLower(strings.TrimPrefix(c.id, "#"))
	}
	return info
}
