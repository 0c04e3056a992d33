package exportgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"unicode/utf8"
)

// The wire types mirror the field names and order of Slack's own export.

type wireProfile struct {
	AvatarHash        string `json:"avatar_hash"`
	Image72           string `json:"image_72"`
	FirstName         string `json:"first_name"`
	RealName          string `json:"real_name"`
	DisplayName       string `json:"display_name"`
	Team              string `json:"team"`
	Name              string `json:"name"`
	IsRestricted      bool   `json:"is_restricted"`
	IsUltraRestricted bool   `json:"is_ultra_restricted"`
}

type wireEdited struct {
	User string `json:"user"`
	TS   string `json:"ts"`
}

type wireReply struct {
	User string `json:"user"`
	TS   string `json:"ts"`
}

type wireReaction struct {
	Name  string   `json:"name"`
	Users []string `json:"users"`
	Count int      `json:"count"`
}

type wireAttachment struct {
	ID       int      `json:"id"`
	Color    string   `json:"color"`
	Fallback string   `json:"fallback"`
	Text     string   `json:"text"`
	MrkdwnIn []string `json:"mrkdwn_in"`
}

type wireBotIcons struct {
	Image36 string `json:"image_36"`
	Image48 string `json:"image_48"`
	Image72 string `json:"image_72"`
}

type wireBotProfile struct {
	ID      string       `json:"id"`
	Deleted bool         `json:"deleted"`
	Name    string       `json:"name"`
	Updated int64        `json:"updated"`
	AppID   string       `json:"app_id"`
	Icons   wireBotIcons `json:"icons"`
	TeamID  string       `json:"team_id"`
}

type wireRoot struct {
	Type       string `json:"type"`
	User       string `json:"user"`
	Text       string `json:"text"`
	TS         string `json:"ts"`
	ThreadTS   string `json:"thread_ts"`
	ReplyCount int    `json:"reply_count"`
}

type wireMessage struct {
	ClientMsgID     string           `json:"client_msg_id,omitempty"`
	Type            string           `json:"type"`
	Subtype         string           `json:"subtype,omitempty"`
	Text            string           `json:"text"`
	User            string           `json:"user,omitempty"`
	BotID           string           `json:"bot_id,omitempty"`
	Username        string           `json:"username,omitempty"`
	AppID           string           `json:"app_id,omitempty"`
	TS              string           `json:"ts"`
	Edited          *wireEdited      `json:"edited,omitempty"`
	Blocks          []block          `json:"blocks,omitempty"`
	Team            string           `json:"team,omitempty"`
	UserTeam        string           `json:"user_team,omitempty"`
	SourceTeam      string           `json:"source_team,omitempty"`
	UserProfile     *wireProfile     `json:"user_profile,omitempty"`
	BotProfile      *wireBotProfile  `json:"bot_profile,omitempty"`
	Attachments     []wireAttachment `json:"attachments,omitempty"`
	ThreadTS        string           `json:"thread_ts,omitempty"`
	ReplyCount      int              `json:"reply_count,omitempty"`
	ReplyUsersCount int              `json:"reply_users_count,omitempty"`
	LatestReply     string           `json:"latest_reply,omitempty"`
	ReplyUsers      []string         `json:"reply_users,omitempty"`
	Replies         []wireReply      `json:"replies,omitempty"`
	IsLocked        *bool            `json:"is_locked,omitempty"`
	Subscribed      *bool            `json:"subscribed,omitempty"`
	ParentUserID    string           `json:"parent_user_id,omitempty"`
	Root            *wireRoot        `json:"root,omitempty"`
	Reactions       []wireReaction   `json:"reactions,omitempty"`
	Inviter         string           `json:"inviter,omitempty"`
	Hidden          bool             `json:"hidden,omitempty"`
	Message         *wireMessage     `json:"message,omitempty"`
	PreviousMessage *wireMessage     `json:"previous_message,omitempty"`
	Channel         string           `json:"channel,omitempty"`
	EventTS         string           `json:"event_ts,omitempty"`
}

type wireValue struct {
	Value   string `json:"value"`
	Creator string `json:"creator"`
	LastSet int64  `json:"last_set"`
}

type wireChannel struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Created    int64     `json:"created"`
	Creator    string    `json:"creator"`
	IsArchived bool      `json:"is_archived"`
	IsGeneral  bool      `json:"is_general"`
	Members    []string  `json:"members"`
	Pins       []wirePin `json:"pins,omitempty"`
	Topic      wireValue `json:"topic"`
	Purpose    wireValue `json:"purpose"`
}

type wirePin struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	User    string `json:"user"`
	Owner   string `json:"owner"`
}

type wireUserProfile struct {
	Title                 string  `json:"title"`
	Phone                 string  `json:"phone"`
	Skype                 string  `json:"skype"`
	RealName              string  `json:"real_name"`
	RealNameNormalized    string  `json:"real_name_normalized"`
	DisplayName           string  `json:"display_name"`
	DisplayNameNormalized string  `json:"display_name_normalized"`
	Fields                *string `json:"fields"`
	StatusText            string  `json:"status_text"`
	StatusEmoji           string  `json:"status_emoji"`
	StatusExpiration      int64   `json:"status_expiration"`
	AvatarHash            string  `json:"avatar_hash"`
	APIAppID              string  `json:"api_app_id,omitempty"`
	AlwaysActive          bool    `json:"always_active,omitempty"`
	BotID                 string  `json:"bot_id,omitempty"`
	Email                 string  `json:"email,omitempty"`
	FirstName             string  `json:"first_name"`
	LastName              string  `json:"last_name"`
	Image24               string  `json:"image_24"`
	Image32               string  `json:"image_32"`
	Image48               string  `json:"image_48"`
	Image72               string  `json:"image_72"`
	Image192              string  `json:"image_192"`
	Image512              string  `json:"image_512"`
	StatusTextCanonical   string  `json:"status_text_canonical"`
	Team                  string  `json:"team"`
}

type wireUser struct {
	ID                     string          `json:"id"`
	TeamID                 string          `json:"team_id"`
	Name                   string          `json:"name"`
	Deleted                bool            `json:"deleted"`
	Color                  string          `json:"color"`
	RealName               string          `json:"real_name"`
	TZ                     string          `json:"tz"`
	TZLabel                string          `json:"tz_label"`
	TZOffset               int             `json:"tz_offset"`
	Profile                wireUserProfile `json:"profile"`
	IsAdmin                bool            `json:"is_admin"`
	IsOwner                bool            `json:"is_owner"`
	IsPrimaryOwner         bool            `json:"is_primary_owner"`
	IsRestricted           bool            `json:"is_restricted"`
	IsUltraRestricted      bool            `json:"is_ultra_restricted"`
	IsBot                  bool            `json:"is_bot"`
	IsAppUser              bool            `json:"is_app_user"`
	Updated                int64           `json:"updated"`
	IsEmailConfirmed       bool            `json:"is_email_confirmed"`
	WhoCanShareContactCard string          `json:"who_can_share_contact_card"`
}

type wireIntegration struct {
	ServiceID   string `json:"service_id,omitempty"`
	ServiceType string `json:"service_type,omitempty"`
	AppID       string `json:"app_id,omitempty"`
	AppType     string `json:"app_type,omitempty"`
	UserID      string `json:"user_id"`
	UserName    string `json:"user_name"`
	Date        string `json:"date"`
	ChangeType  string `json:"change_type"`
	Scope       string `json:"scope,omitempty"`
	Channel     string `json:"channel,omitempty"`
}

// slackEncoder renders values the way Slack's exporter does: four-space
// indentation, no trailing newline, "/" written as "\/" and every non-ASCII
// character as a \uXXXX escape (PHP's json_encode defaults). It reuses its
// buffers, because large fresh allocations serialise on the heap lock and
// would stop parallel writers from scaling. It is not safe for concurrent
// use.
type slackEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
	out []byte
}

func newSlackEncoder() *slackEncoder {
	e := &slackEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	e.enc.SetIndent("", "    ")
	return e
}

// encode returns the rendering of v, valid until the next call.
func (e *slackEncoder) encode(v any) ([]byte, error) {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode export json: %w", err)
	}
	e.out = escapeSlack(e.out[:0], bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
	return e.out, nil
}

// encodeSlack renders one value with a fresh encoder.
func encodeSlack(v any) ([]byte, error) {
	return newSlackEncoder().encode(v)
}

// escapeSlack appends in to out with "/" and non-ASCII characters escaped.
// It is only correct on encoding/json output, where those bytes occur
// inside strings only.
func escapeSlack(out, in []byte) []byte {
	const hex = "0123456789abcdef"
	u := func(r rune) {
		out = append(out, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
	}
	for i := 0; i < len(in); {
		j := i
		for j < len(in) && in[j] != '/' && in[j] < utf8.RuneSelf {
			j++
		}
		out = append(out, in[i:j]...)
		if i = j; i == len(in) {
			break
		}
		if in[i] == '/' {
			out = append(out, '\\', '/')
			i++
			continue
		}
		r, size := utf8.DecodeRune(in[i:])
		i += size
		if r > 0xFFFF {
			r -= 0x10000
			u(0xD800 + r>>10)
			u(0xDC00 + r&0x3FF)
		} else {
			u(r)
		}
	}
	return out
}

func writeJSON(name string, v any) (int64, error) {
	return writeWith(newSlackEncoder(), name, v)
}

func writeWith(e *slackEncoder, name string, v any) (int64, error) {
	data, err := e.encode(v)
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return 0, fmt.Errorf("write export file: %w", err)
	}
	return int64(len(data)), nil
}

func mkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create channel folder: %w", err)
	}
	return nil
}
