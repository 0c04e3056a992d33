package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/sprintguard/sprintguard/internal/synthtext"
)

// intakeChannel is the data team's #data-help, an intake channel in auto
// mode in the example config: every message there becomes a request.
const intakeChannel = "C0DATAHELP"

// events makes the benchmark's Events API callbacks. Event n is always the
// same bytes, so a phase can be replayed against another server; every n
// has its own event id, user, ts and text. It is safe for concurrent use.
type events struct {
	base int64 // unix seconds of the first message ts
}

// ts returns event n's message ts: unique per n and increasing with it.
func (g events) ts(n int64) string {
	return fmt.Sprintf("%d.%06d", g.base+n/1e6, n%1e6)
}

// user returns event n's author. Each event has its own, since the bot
// links near-identical requests from one requester as duplicates.
func user(n int64) string { return fmt.Sprintf("UL%08d", n) }

type callback struct {
	Type      string `json:"type"`
	EventID   string `json:"event_id"`
	TeamID    string `json:"team_id"`
	APIAppID  string `json:"api_app_id"`
	EventTime int64  `json:"event_time"`
	Event     struct {
		Type        string `json:"type"`
		Channel     string `json:"channel"`
		ChannelType string `json:"channel_type"`
		User        string `json:"user"`
		Text        string `json:"text"`
		TS          string `json:"ts"`
		EventTS     string `json:"event_ts"`
	} `json:"event"`
}

// body returns the JSON of event n, a message in the intake channel.
func (g events) body(n int64) []byte {
	var c callback
	c.Type, c.EventID, c.TeamID, c.APIAppID = "event_callback", fmt.Sprintf("EvL%010d", n), "T123", "A123"
	c.EventTime = g.base + n/1e6
	c.Event.Type, c.Event.Channel, c.Event.ChannelType = "message", intakeChannel, "channel"
	c.Event.User, c.Event.Text = user(n), text(n)
	c.Event.TS = g.ts(n)
	c.Event.EventTS = c.Event.TS
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of strings always marshals
	}
	return b
}

// text returns event n's message (see synthtext.DataHelp).
func text(n int64) string { return synthtext.DataHelp(n) }

// sign returns Slack's request-signing headers for body sent at t: the
// timestamp and "v0=" hex(HMAC-SHA256(secret, "v0:<ts>:<body>")).
func sign(secret []byte, t time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}
