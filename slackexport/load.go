package slackexport

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

type wireChannel struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Created    int64    `json:"created"`
	Creator    string   `json:"creator"`
	IsArchived bool     `json:"is_archived"`
	IsGeneral  bool     `json:"is_general"`
	Members    []string `json:"members"`
	Topic      struct {
		Value string `json:"value"`
	} `json:"topic"`
	Purpose struct {
		Value string `json:"value"`
	} `json:"purpose"`
}

type wireUser struct {
	ID        string `json:"id"`
	TeamID    string `json:"team_id"`
	Name      string `json:"name"`
	Deleted   bool   `json:"deleted"`
	RealName  string `json:"real_name"`
	TZ        string `json:"tz"`
	IsBot     bool   `json:"is_bot"`
	IsAppUser bool   `json:"is_app_user"`
	Profile   struct {
		RealName    string `json:"real_name"`
		DisplayName string `json:"display_name"`
		Title       string `json:"title"`
		Email       string `json:"email"`
		BotID       string `json:"bot_id"`
	} `json:"profile"`
}

// slackbotID is Slackbot's user id; users.json lists it with is_bot false.
const slackbotID = "USLACKBOT"

// channelLists are the files that list the channels an export holds:
// public ones, in every export, and private ones, in an export that holds
// them. Group DMs (mpims.json) and DMs (dms.json) are left out: the bot is
// in none of them, so nothing said there reaches it live.
var channelLists = []string{"channels.json", "groups.json"}

// loadChannels reads every channel list there is.
func (e *Export) loadChannels() error {
	for i, file := range channelLists {
		data, err := fs.ReadFile(e.fsys, file)
		switch {
		case i > 0 && errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil && i == 0:
			return fmt.Errorf("read %s: %w", file, err)
		case err != nil:
			e.Problems = append(e.Problems, Problem{File: file, Msg: "cannot read: " + err.Error()})
			continue
		}
		e.loadChannelList(file, data)
	}
	return nil
}

func (e *Export) loadChannelList(file string, data []byte) {
	e.Problems = decodeArray(file, data, e.Problems, func(c *wireChannel, raw []byte) error {
		switch {
		case c.ID == "":
			return &badElement{msg: "channel has no id"}
		case c.Name == "":
			return &badElement{msg: "channel " + c.ID + " has no name"}
		case !fs.ValidPath(c.Name) || strings.Contains(c.Name, "/") || c.Name == ".":
			off, _ := valueOffset(raw, "name")
			return &badElement{off: off, msg: fmt.Sprintf("channel name %q cannot be a folder name", c.Name)}
		}
		if _, dup := e.byID[c.ID]; dup {
			off, _ := valueOffset(raw, "id")
			return &badElement{off: off, msg: "duplicate channel id " + c.ID}
		}
		e.byID[c.ID] = len(e.Channels)
		e.Channels = append(e.Channels, Channel{
			ID:         c.ID,
			Name:       c.Name,
			Created:    time.Unix(c.Created, 0).UTC(),
			Creator:    c.Creator,
			Members:    c.Members,
			IsArchived: c.IsArchived,
			IsGeneral:  c.IsGeneral,
			Topic:      c.Topic.Value,
			Purpose:    c.Purpose.Value,
		})
		return nil
	})
}

func (e *Export) loadUsers() {
	const file = "users.json"
	data, err := fs.ReadFile(e.fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		e.Problems = append(e.Problems, Problem{File: file, Msg: "missing: names and bot flags of users are unknown"})
		return
	}
	if err != nil {
		e.Problems = append(e.Problems, Problem{File: file, Msg: "cannot read: " + err.Error()})
		return
	}
	e.Problems = decodeArray(file, data, e.Problems, func(u *wireUser, raw []byte) error {
		if u.ID == "" {
			return &badElement{msg: "user has no id"}
		}
		if _, dup := e.Users[u.ID]; dup {
			off, _ := valueOffset(raw, "id")
			return &badElement{off: off, msg: "duplicate user id " + u.ID}
		}
		realName := u.RealName
		if realName == "" {
			realName = u.Profile.RealName
		}
		e.Users[u.ID] = User{
			ID:          u.ID,
			TeamID:      u.TeamID,
			Name:        u.Name,
			RealName:    realName,
			DisplayName: u.Profile.DisplayName,
			Title:       u.Profile.Title,
			Email:       u.Profile.Email,
			TZ:          u.TZ,
			BotID:       u.Profile.BotID,
			IsBot:       u.IsBot || u.ID == slackbotID,
			Deleted:     u.Deleted,
		}
		return nil
	})
}
