package slackfake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// firstTS is the fake's fixed time for what Slack dates once (a user's
// profile update, a view's hash), in microseconds: 2025-11-23.
const firstTS int64 = 1763900000_000000

// parseTS reads a Slack timestamp ("1763900000.000100", or whole seconds)
// as microseconds.
func parseTS(ts string) (int64, bool) {
	secs, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || s < 0 || len(frac) > 6 {
		return 0, false
	}
	var us int64
	if frac != "" {
		us, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		if err != nil || us < 0 {
			return 0, false
		}
	}
	return s*1_000_000 + us, true
}

func formatTS(us int64) string { return fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000) }

// nextTSLocked stamps a new message as Slack does, with the time it
// arrived (a client that looks for its messages by time finds them where
// its own clock says), and at least 100 µs after the fake's last message,
// so that timestamps are unique and ordered like Slack's.
func (s *Server) nextTSLocked() string {
	s.lastTS = max(s.lastTS+100, time.Now().UnixMicro())
	return formatTS(s.lastTS)
}

// channel is a conversation's messages, thread replies included, in
// timestamp order.
type channel struct {
	id    string
	user  string // the other side of a DM
	topic string
	msgs  []*slack.Message
	// name, private, archived and outside are what AddChannel set; a
	// channel the fake made up for an id it was given has no name, and
	// conversations.list leaves it out.
	name              string
	private, archived bool
	outside           bool // the bot is not a member
}

func (c *channel) find(ts string) *slack.Message {
	for _, m := range c.msgs {
		if m.Timestamp == ts {
			return m
		}
	}
	return nil
}

func isReply(m *slack.Message) bool {
	return m.ThreadTimestamp != "" && m.ThreadTimestamp != m.Timestamp
}

// insert adds m in timestamp order and, for a reply, updates its parent's
// thread fields the way Slack shows them.
func (c *channel) insert(m *slack.Message) {
	at, _ := parseTS(m.Timestamp)
	i, _ := slices.BinarySearchFunc(c.msgs, at, func(x *slack.Message, at int64) int {
		xt, _ := parseTS(x.Timestamp)
		switch {
		case xt < at:
			return -1
		case xt > at:
			return 1
		}
		return 0
	})
	c.msgs = slices.Insert(c.msgs, i, m)
	if !isReply(m) {
		return
	}
	parent := c.find(m.ThreadTimestamp)
	if parent == nil {
		return
	}
	m.ParentUserId = parent.User
	parent.ThreadTimestamp = parent.Timestamp
	parent.ReplyCount++
	if lr, _ := parseTS(parent.LatestReply); at > lr {
		parent.LatestReply = m.Timestamp
	}
	if m.User != "" && !slices.Contains(parent.ReplyUsers, m.User) {
		parent.ReplyUsers = append(slices.Clip(parent.ReplyUsers), m.User)
	}
}

// channelLocked returns the conversation for an id, creating it: Slack
// would know every channel, and the fake takes any id it is given. A user
// id stands for the DM with that user, as chat.postMessage allows.
func (s *Server) channelLocked(id string) *channel {
	if isUserID(id) {
		id = s.dmLocked(id)
	}
	c := s.channels[id]
	if c == nil {
		c = &channel{id: id}
		s.channels[id] = c
	}
	return c
}

// lookupLocked is channelLocked for readers: an unknown conversation is
// empty, and stays unknown.
func (s *Server) lookupLocked(id string) *channel {
	if d, ok := s.dms[id]; ok {
		id = d
	}
	if c := s.channels[id]; c != nil {
		return c
	}
	return &channel{id: id}
}

// conversationLocked is lookupLocked for the Web API's readers, which
// take a conversation id only: Slack answers channel_not_found for a user
// id, though chat.postMessage takes one for the DM.
func (s *Server) conversationLocked(id string) (*channel, error) {
	if id == "" || isUserID(id) || strings.HasPrefix(id, "#") {
		return nil, fail("channel_not_found")
	}
	return s.lookupLocked(id), nil
}

func isUserID(id string) bool {
	return len(id) > 1 && (id[0] == 'U' || id[0] == 'W') && strings.ToUpper(id) == id
}

func (s *Server) dmLocked(user string) string {
	if id, ok := s.dms[user]; ok {
		return id
	}
	id := s.nextIDLocked("D")
	s.dms[user] = id
	s.channels[id] = &channel{id: id, user: user}
	return id
}

// AddMessage puts a message into a channel as if someone had posted it; it
// is then served by conversations.history and conversations.replies. A
// message without a ts gets the next one; one with a thread_ts other than
// its own ts is a reply in that thread.
func (s *Server) AddMessage(channel string, m slack.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.Type == "" {
		m.Type = slack.TYPE_MESSAGE
	}
	if at, ok := parseTS(m.Timestamp); ok {
		s.lastTS = max(s.lastTS, at)
	} else {
		m.Timestamp = s.nextTSLocked()
	}
	m.Channel = ""
	s.channelLocked(channel).insert(&m)
	s.notifyLocked()
}

// Message returns the current state of a message: as posted, edited by
// chat.update, with the thread fields its replies gave it.
func (s *Server) Message(channel, ts string) (slack.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.lookupLocked(channel).find(ts); m != nil {
		return *m, true
	}
	return slack.Message{}, false
}

// Messages returns every message of a channel, thread replies included, in
// timestamp order.
func (s *Server) Messages(channel string) []slack.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []slack.Message
	for _, m := range s.lookupLocked(channel).msgs {
		out = append(out, *m)
	}
	return out
}

// DM returns the id of the bot's DM channel with a user, the one
// conversations.open answers.
func (s *Server) DM(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmLocked(user)
}

// Topic returns a channel's topic as conversations.setTopic left it.
func (s *Server) Topic(channel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookupLocked(channel).topic
}

// EditMessage changes a message's text, as its author editing it in
// Slack does; it reports whether the message was there.
func (s *Server) EditMessage(channel, ts, text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.lookupLocked(channel).find(ts)
	if m == nil {
		return false
	}
	m.Text = text
	s.notifyLocked()
	return true
}

// DeleteMessage removes a message, as its author deleting it in Slack
// does; it reports whether the message was there.
func (s *Server) DeleteMessage(channel, ts string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupLocked(channel)
	for i, m := range c.msgs {
		if m.Timestamp == ts {
			c.msgs = slices.Delete(c.msgs, i, i+1)
			s.notifyLocked()
			return true
		}
	}
	return false
}
