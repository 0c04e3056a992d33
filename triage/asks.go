package triage

import "strings"

// SlackbotUser is Slackbot's user id. Its reminders and automatic answers
// are posted as plain messages under it, and nobody asks anything by them.
const SlackbotUser = "USLACKBOT"

// File is a file a message shares, as intake reads Slack's file object
// (an event's or an export's): only its title and its name can say what
// is asked. A file the workspace hides or has deleted carries neither.
type File struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// MessageText returns the text a message stands for: its own, or for one
// that shares files with no words, the first file's title, or else its
// name. unnamed is set when the message is files with none of them, and
// no words: serve asks its author what they need instead of taking it
// in, and a replay counts it as no request. serve and replay both decide
// by it, so that a replay takes in the screenshots and logs serve does.
func MessageText(text string, files []File) (words string, unnamed bool) {
	if strings.TrimSpace(text) != "" {
		return text, false
	}
	for _, f := range files {
		if t := strings.TrimSpace(f.Title); t != "" {
			return t, false
		}
		if n := strings.TrimSpace(f.Name); n != "" {
			return n, false
		}
	}
	return "", len(files) > 0
}

// Posted is a top-level message in a channel as intake sees it, live or
// in a replay of an export.
type Posted struct {
	User    string
	BotID   string
	Subtype string
	Text    string
	// ByBot is set when the author is known to be a bot even without a
	// bot id: an export's users.json says so.
	ByBot bool
}

// Requester is who a request made of m is counted to: its author, or for
// a post by an integration or a workflow form, which has no user, its bot.
func (m Posted) Requester() string {
	if m.User != "" {
		return m.User
	}
	return m.BotID
}

// MayAsk reports whether a message of this subtype can be a request at
// all: a plain message, one sharing files, a thread reply also sent to
// the channel, or a bot's post (which its team must allow). Edits, joins
// and the rest never are.
func MayAsk(subtype string) bool {
	switch subtype {
	case "", "file_share", "thread_broadcast", "bot_message":
		return true
	}
	return false
}

// NotAsked returns why m, posted in one of t's intake channels, asks
// nothing of the team, or "" when it is a request. serve and replay both
// decide by it, so that a replay counts what the bot would have taken in.
func (t *Team) NotAsked(m Posted) string {
	bot := m.BotID != "" || m.ByBot || m.Subtype == "bot_message"
	switch {
	case !MayAsk(m.Subtype):
		return "subtype " + m.Subtype
	case bot && !t.AllowBots:
		return "bot message"
	case m.User == SlackbotUser:
		return "Slackbot"
	case m.Requester() == "":
		return "not from a person"
	case t.OptsOut(m.Text):
		return "opted out"
	case t.IsMember(m.User) && !t.MembersAsk:
		return "team member"
	}
	return ""
}

// ReactionTeam returns the team whose reaction by user on a message in
// channel makes that message a request, or nil: the team of the channel
// when user is one of its members, else the first team user belongs to,
// and only when reaction is that team's emoji.
func (s *Settings) ReactionTeam(channelID, channelName, user, reaction string) *Team {
	team := s.TeamForChannel(channelID, channelName)
	if team == nil || !team.IsMember(user) {
		team = nil
		for _, t := range s.Teams {
			if t.IsMember(user) {
				team = t
				break
			}
		}
	}
	if team == nil || reaction != team.Reaction {
		return nil
	}
	return team
}

// OptsOut reports whether text starts with the team's opt-out prefix: chat
// its author marked as asking nothing.
func (t *Team) OptsOut(text string) bool {
	return t.OptOut != "" && strings.HasPrefix(strings.TrimSpace(text), t.OptOut)
}
