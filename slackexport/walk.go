package slackexport

import (
	"bytes"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/sprintguard/sprintguard/triage"
)

type wireMessage struct {
	Type       string  `json:"type"`
	Subtype    string  `json:"subtype"`
	User       string  `json:"user"`
	BotID      string  `json:"bot_id"`
	Username   string  `json:"username"`
	Text       string  `json:"text"`
	TS         *string `json:"ts"`
	ThreadTS   string  `json:"thread_ts"`
	ReplyCount int     `json:"reply_count"`
	Edited     *struct {
		User string `json:"user"`
		TS   string `json:"ts"`
	} `json:"edited"`
	Reactions []struct {
		Name  string   `json:"name"`
		Users []string `json:"users"`
	} `json:"reactions"`
	Files []triage.File `json:"files"`
}

// Walk calls fn for every message of every channel in chronological order
// across channels. It goes day by day: it reads every channel's file for
// one date, sorts those messages by (time, channel id), hands them to fn and
// only then reads the next date, so memory stays bounded by one day of
// messages. Messages with the same time in one channel keep file order.
//
// Malformed files or elements are recorded as Problems, with file, line and
// column, and skipped; a syntax error skips the rest of that file only. The
// problems found by Open come first in the returned slice. If fn returns an
// error, Walk stops and returns it unchanged with the problems so far.
// fn is called from the calling goroutine, one message at a time.
func (e *Export) Walk(fn func(Message) error) ([]Problem, error) {
	problems := slices.Clone(e.Problems)
	var day []Message
	var buf bytes.Buffer // the day files, one after the other
	var order []int32
	for _, date := range e.dates {
		day = day[:0]
		for i, ch := range e.Channels {
			if !e.days[i][date] {
				continue
			}
			file := path.Join(e.dirs[i], date+".json")
			data, err := readInto(&buf, e.fsys, file)
			if err != nil {
				// Read again the usual way, whose error the problem words.
				data, err = fs.ReadFile(e.fsys, file)
			}
			if err != nil {
				problems = append(problems, Problem{File: file, Msg: "cannot read: " + err.Error()})
				continue
			}
			day, problems = decodeDay(day, problems, ch, file, data)
		}
		// The order is sorted, not the messages: moving a Message costs
		// more than moving its index.
		order = order[:0]
		for i := range day {
			order = append(order, int32(i))
		}
		slices.SortStableFunc(order, func(i, j int32) int {
			a, b := &day[i], &day[j]
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			return strings.Compare(a.Channel, b.Channel)
		})
		for _, i := range order {
			if err := fn(day[i]); err != nil {
				return problems, err
			}
		}
	}
	return problems, nil
}

// decodeDay appends the messages of one day file of channel ch to dst:
// the fast way when the file is well formed, else the careful way.
func decodeDay(dst []Message, problems []Problem, ch Channel, file string, data []byte) ([]Message, []Problem) {
	if out, ok := fastDay(dst, ch, file, data); ok {
		return out, problems
	}
	return decodeDayCarefully(dst, problems, ch, file, data)
}

// decodeDayCarefully decodes with encoding/json, element by element,
// recording each problem with its place.
func decodeDayCarefully(dst []Message, problems []Problem, ch Channel, file string, data []byte) ([]Message, []Problem) {
	problems = decodeArray(file, data, problems, func(w *wireMessage, raw []byte) error {
		m, err := convert(w, raw)
		if err != nil {
			return err
		}
		m.Channel, m.ChannelName, m.File = ch.ID, ch.Name, file
		dst = append(dst, m)
		return nil
	})
	return dst, problems
}

// convert checks one decoded element and turns it into a Message.
func convert(w *wireMessage, raw []byte) (Message, error) {
	if w.Type != "" && w.Type != "message" {
		off, _ := valueOffset(raw, "type")
		return Message{}, &badElement{off: off, msg: "type is " + quote(w.Type) + ", want \"message\""}
	}
	if w.TS == nil {
		return Message{}, &badElement{msg: "ts is missing"}
	}
	t, err := ParseTS(*w.TS)
	if err != nil {
		off, _ := valueOffset(raw, "ts")
		return Message{}, &badElement{off: off, msg: "ts is not a Slack timestamp"}
	}
	if w.ThreadTS != "" {
		if _, err := ParseTS(w.ThreadTS); err != nil {
			off, _ := valueOffset(raw, "thread_ts")
			return Message{}, &badElement{off: off, msg: "thread_ts is not a Slack timestamp"}
		}
	}
	m := Message{
		User:       w.User,
		BotID:      w.BotID,
		Subtype:    w.Subtype,
		Username:   w.Username,
		Text:       w.Text,
		TS:         *w.TS,
		Time:       t,
		ThreadTS:   w.ThreadTS,
		ReplyCount: w.ReplyCount,
		Edited:     w.Edited != nil,
	}
	for _, r := range w.Reactions {
		m.Reactions = append(m.Reactions, Reaction{Name: r.Name, Users: r.Users})
	}
	if len(w.Files) > 0 {
		m.Files = w.Files
	}
	return m, nil
}

// quote quotes s for a problem message, shortened so a huge value cannot
// flood a terminal.
func quote(s string) string {
	const limit = 40
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return strconv.Quote(s)
}

// readInto reads file into buf, reset first: decoding copies every
// string it keeps, so the day files can share one buffer instead of each
// costing its size in garbage. The bytes are buf's until its next use.
func readInto(buf *bytes.Buffer, fsys fs.FS, file string) ([]byte, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
