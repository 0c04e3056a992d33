package slackexport

import (
	"errors"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// ErrBadTimestamp is returned (wrapped) by ParseTS when a string is not a
// Slack timestamp: decimal seconds since the Unix epoch, optionally followed
// by a dot and one to six digits.
var ErrBadTimestamp = errors.New("not a Slack timestamp")

// Message is one element of a channel's day file, reduced to what intake,
// classification and reports need. Values are independent copies and may be
// used from any goroutine.
type Message struct {
	Channel     string // channel id
	ChannelName string
	User        string
	BotID       string
	Subtype     string
	Username    string // set by bots and webhooks that post under a custom name
	Text        string // Slack mrkdwn, as written; see PlainText
	TS          string // as Slack wrote it, e.g. "1767710400.000200"
	Time        time.Time
	ThreadTS    string
	ReplyCount  int
	Edited      bool
	Reactions   []Reaction
	// Files are the files the message shares (subtype file_share), of
	// which only what can say what is asked is kept, as serve keeps them.
	Files []triage.File
	File  string // path inside the export, for error messages
}

// Reaction is one emoji reaction on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
}

// IsThreadReply reports whether the message was posted inside a thread
// rather than being the thread's parent or a plain channel message.
func (m Message) IsThreadReply() bool {
	return m.ThreadTS != "" && m.ThreadTS != m.TS
}

// FormatTS is t as a Slack timestamp such as "1767710400.000200", to
// microseconds: the inverse of ParseTS.
func FormatTS(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// ParseTS parses a Slack timestamp such as "1767710400.000200" into a UTC
// time with microsecond precision. It is safe to call concurrently.
func ParseTS(ts string) (time.Time, error) {
	var sec, frac int64
	i := 0
	for ; i < len(ts) && ts[i] != '.'; i++ {
		c := ts[i]
		// Twelve digits reach beyond year 33000 and cannot overflow int64.
		if c < '0' || c > '9' || i >= 12 {
			return time.Time{}, fmt.Errorf("parse ts %q: %w", ts, ErrBadTimestamp)
		}
		sec = sec*10 + int64(c-'0')
	}
	if i == 0 {
		return time.Time{}, fmt.Errorf("parse ts %q: %w", ts, ErrBadTimestamp)
	}
	if i < len(ts) {
		digits := ts[i+1:]
		if len(digits) == 0 || len(digits) > 6 {
			return time.Time{}, fmt.Errorf("parse ts %q: %w", ts, ErrBadTimestamp)
		}
		for j := 0; j < 6; j++ {
			frac *= 10
			if j >= len(digits) {
				continue
			}
			c := digits[j]
			if c < '0' || c > '9' {
				return time.Time{}, fmt.Errorf("parse ts %q: %w", ts, ErrBadTimestamp)
			}
			frac += int64(c - '0')
		}
	}
	return time.Unix(sec, frac*int64(time.Microsecond)).UTC(), nil
}
