package slackfake

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// Channel is a channel as AddChannel makes it known to the fake.
type Channel struct {
	ID   string // "C…" for a public channel, "C…" or "G…" for a private one
	Name string // without '#'
	// Private makes it a private channel: Slack lists it to the bot only
	// when the bot is a member.
	Private bool
	// Archived leaves it out of lists that exclude archived channels.
	Archived bool
	// NotMember leaves the bot out of it (is_member false).
	NotMember bool
}

// AddChannel makes a named channel known: conversations.list lists it,
// and chat.postMessage takes its "#name". An id already used keeps its
// messages.
func (s *Server) AddChannel(ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channelLocked(ch.ID)
	c.name, c.private, c.archived, c.outside = ch.Name, ch.Private, ch.Archived, ch.NotMember
}

// namedLocked returns the channel named name, or nil.
func (s *Server) namedLocked(name string) *channel {
	for _, c := range s.channels {
		if c.name == name && c.name != "" {
			return c
		}
	}
	return nil
}

// Paging of conversations.list: Slack's default page, and its most.
const (
	listDefault = 100
	listMost    = 1000
)

// The scope conversations.list needs for each type it may list.
var listScopes = map[string]string{
	"public_channel":  "channels:read",
	"private_channel": "groups:read",
	"mpim":            "mpim:read",
	"im":              "im:read",
}

const cursorNextID = "next_id:" // next page: channels after this id

// listConversations serves conversations.list for the named channels, in
// id order: the types asked for (public_channel by default), private ones
// only where the bot is a member, archived ones unless exclude_archived,
// and a page of at most limit with a cursor to the next. The fake holds no
// group DMs or DMs by name, so mpim and im list none.
func (s *Server) listConversations(r *request) (obj, error) {
	types := splitList(r.get("types"))
	if len(types) == 0 {
		types = []string{"public_channel"}
	}
	var need []string
	for _, t := range types {
		scope, ok := listScopes[t]
		if !ok {
			return nil, fail("invalid_types")
		}
		need = append(need, scope)
	}
	if err := s.scopesLocked(r.token, need...); err != nil {
		return nil, err
	}
	limit := listDefault
	if v := r.get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n > listMost {
			return nil, fail("invalid_limit")
		}
		if n > 0 {
			limit = n
		}
	}
	after := ""
	if cur := r.get("cursor"); cur != "" {
		raw, err := base64.StdEncoding.DecodeString(cur)
		id, ok := strings.CutPrefix(string(raw), cursorNextID)
		if err != nil || !ok || id == "" {
			return nil, fail("invalid_cursor")
		}
		after = id
	}
	var in []*channel
	for _, c := range s.channels {
		kind := "public_channel"
		if c.private {
			kind = "private_channel"
		}
		switch {
		case c.name == "", !slices.Contains(types, kind), c.private && c.outside,
			c.archived && r.flag("exclude_archived"), c.id <= after:
			continue
		}
		in = append(in, c)
	}
	slices.SortFunc(in, func(a, b *channel) int { return strings.Compare(a.id, b.id) })
	page := in[:min(limit, len(in))]
	out := make([]obj, len(page))
	for i, c := range page {
		out[i] = s.channelInfo(c)
	}
	next := ""
	if len(in) > limit {
		next = base64.StdEncoding.EncodeToString([]byte(cursorNextID + page[len(page)-1].id))
	}
	return obj{"channels": out, "response_metadata": obj{"next_cursor": next}}, nil
}
