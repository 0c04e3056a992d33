// Package slackexport reads the workspace export that Slack's own export
// tool produces (channels.json, users.json and one <channel>/<YYYY-MM-DD>.json
// file per channel and day), from a directory or a zip archive, and replays
// its messages in chronological order. Malformed files and elements are
// reported as Problems with file, line and column and skipped, so one bad
// message never hides a whole export.
package slackexport

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// ErrNotExport is returned (wrapped) by Open and OpenFS when neither the top
// level nor a single top-level folder holds a channels.json.
var ErrNotExport = errors.New("not a Slack export: no channels.json")

// Channel is a channel the export lists: a public one in channels.json or
// a private one in groups.json.
type Channel struct {
	ID         string
	Name       string
	Created    time.Time // UTC
	Creator    string
	Members    []string
	IsArchived bool
	IsGeneral  bool
	Topic      string
	Purpose    string
}

// User is a member of the workspace listed in users.json, bots included.
type User struct {
	ID          string
	TeamID      string
	Name        string
	RealName    string
	DisplayName string
	Title       string
	Email       string
	TZ          string // IANA zone, e.g. "America/Chicago"; may be empty
	BotID       string // for bot users, the bot id their messages carry
	IsBot       bool
	Deleted     bool
}

// Label returns the name Slack shows for the user: the display name, else
// the real name, else the user name, else the id.
func (u User) Label() string {
	for _, s := range []string{u.DisplayName, u.RealName, u.Name} {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return u.ID
}

// Export is an opened Slack export. Its fields are filled by Open and must
// not be modified afterwards; Walk, Channel and IsTopLevelHuman may then be
// called concurrently. Close must not run concurrently with them.
type Export struct {
	Channels []Channel       // in channels.json order
	Users    map[string]User // by user id
	// Problems found in channels.json, users.json and channel folders while
	// opening; Walk returns them again ahead of the day files' problems.
	Problems []Problem

	fsys fs.FS
	// top is the single top folder holding channels.json, "" when the
	// export has it at its root.
	top    string
	closer io.Closer
	byID   map[string]int
	dirs   []string          // folder of Channels[i], "" when it has none
	days   []map[string]bool // dates present for Channels[i]
	dates  []string          // every date, sorted
}

// Open reads an export from a directory or a .zip file. Slack puts
// everything at the archive root, but an export re-zipped from its unpacked
// folder (one top-level folder holding channels.json) is accepted too.
// A missing or unreadable channels.json is an error; problems inside it and
// in users.json are recorded in Problems. The caller must Close the export.
// Open may be called concurrently.
func Open(name string) (*Export, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("open export: %w", err)
	}
	if info.IsDir() {
		return OpenFS(os.DirFS(name))
	}
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, fmt.Errorf("open export %s: not a directory or a zip archive: %w", name, err)
	}
	e, err := OpenFS(zr)
	if err != nil {
		zr.Close()
		return nil, err
	}
	e.closer = zr
	return e, nil
}

// OpenFS reads an export from a file system, such as an fstest.MapFS or an
// already opened zip.Reader. Closing the returned export does not close fsys.
func OpenFS(fsys fs.FS) (*Export, error) {
	root, top, err := findRoot(fsys)
	if err != nil {
		return nil, err
	}
	e := &Export{fsys: root, top: top, Users: map[string]User{}, byID: map[string]int{}}
	if err := e.loadChannels(); err != nil {
		return nil, err
	}
	e.loadUsers()
	e.listDays()
	return e, nil
}

// Close releases the zip archive, if the export was opened from one.
func (e *Export) Close() error {
	if e.closer == nil {
		return nil
	}
	err := e.closer.Close()
	e.closer = nil
	if err != nil {
		return fmt.Errorf("close export: %w", err)
	}
	return nil
}

// Channel returns the channel with the given id.
func (e *Export) Channel(id string) (Channel, bool) {
	i, ok := e.byID[id]
	if !ok {
		return Channel{}, false
	}
	return e.Channels[i], true
}

// Folder returns the folder of the channel whose id or name is idOrName,
// or "" when the export lists no such channel or holds none of its days.
func (e *Export) Folder(idOrName string) string {
	for i, ch := range e.Channels {
		if ch.ID == idOrName || ch.Name == idOrName {
			return e.dirs[i]
		}
	}
	return ""
}

// Path is the path of the file name opened by OpenFile, inside the
// export: under its single top folder, if it has one.
func (e *Export) Path(name string) string {
	return path.Join(e.top, name)
}

// OpenFile opens the file name at the export's root (inside its single
// top folder, if it has one), such as a labels file kept in a zip export.
func (e *Export) OpenFile(name string) (fs.File, error) {
	f, err := e.fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s in the export: %w", name, err)
	}
	return f, nil
}

// Dates returns every day (YYYY-MM-DD) for which at least one channel has a
// file, in order.
func (e *Export) Dates() []string {
	return slices.Clone(e.dates)
}

// IsTopLevelHuman reports a top-level message written by a person: no
// subtype (thread_broadcast, bot_message, channel_join, message_changed and
// the rest are all excluded), a user id, no bot id, an author who is not a
// bot in users.json, and not a thread reply.
func (e *Export) IsTopLevelHuman(m Message) bool {
	if m.Subtype != "" || m.User == "" || m.BotID != "" || m.IsThreadReply() {
		return false
	}
	return !e.Users[m.User].IsBot
}

// findRoot returns fsys itself when it holds channels.json, else the single
// top-level folder that does, and that folder's name. Finder and Explorer
// litter (__MACOSX, dot files) is ignored when counting top-level folders.
func findRoot(fsys fs.FS) (fs.FS, string, error) {
	if _, err := fs.Stat(fsys, "channels.json"); err == nil {
		return fsys, "", nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, "", fmt.Errorf("read export: %w", err)
	}
	var dirs []string
	for _, ent := range entries {
		if strings.HasPrefix(ent.Name(), ".") || ent.Name() == "__MACOSX" {
			continue
		}
		if ent.IsDir() {
			dirs = append(dirs, ent.Name())
		}
	}
	if len(dirs) == 1 {
		if _, err := fs.Stat(fsys, path.Join(dirs[0], "channels.json")); err == nil {
			sub, err := fs.Sub(fsys, dirs[0])
			if err != nil {
				return nil, "", fmt.Errorf("read export folder %s: %w", dirs[0], err)
			}
			return sub, dirs[0], nil
		}
	}
	return nil, "", fmt.Errorf("read export: %w", ErrNotExport)
}

// listDays finds each channel's folder and the dates it has files for.
func (e *Export) listDays() {
	all := map[string]bool{}
	e.dirs = make([]string, len(e.Channels))
	e.days = make([]map[string]bool, len(e.Channels))
	for i, ch := range e.Channels {
		e.days[i] = map[string]bool{}
		// Slack names folders after the channel; some archivers use the id.
		for _, dir := range []string{ch.Name, ch.ID} {
			if info, err := fs.Stat(e.fsys, dir); err == nil && info.IsDir() {
				e.dirs[i] = dir
				break
			}
		}
		if e.dirs[i] == "" {
			continue
		}
		entries, err := fs.ReadDir(e.fsys, e.dirs[i])
		if err != nil {
			e.Problems = append(e.Problems, Problem{File: e.dirs[i], Msg: "cannot list folder: " + err.Error()})
			continue
		}
		for _, ent := range entries {
			name := ent.Name()
			if ent.IsDir() || !strings.HasSuffix(name, ".json") {
				continue
			}
			date := strings.TrimSuffix(name, ".json")
			if _, err := time.Parse(time.DateOnly, date); err != nil {
				e.Problems = append(e.Problems, Problem{
					File: path.Join(e.dirs[i], name),
					Msg:  "file name is not a date, want YYYY-MM-DD.json; skipped",
				})
				continue
			}
			e.days[i][date] = true
			all[date] = true
		}
	}
	for d := range all {
		e.dates = append(e.dates, d)
	}
	slices.Sort(e.dates)
}
