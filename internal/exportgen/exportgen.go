// Package exportgen writes deterministic, realistic Slack workspace exports
// for the sample workspace (two teams with intake channels, their
// requesters and bots): the input of replay tests, the committed example
// and the replay benchmark.
package exportgen

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // identical output whatever the host's zoneinfo says
)

// ErrExists is returned (wrapped) by Generate when Options.Dir already holds
// an export and Options.Overwrite is not set.
var ErrExists = errors.New("directory already holds an export")

// pcgStream is the second PCG seed word; fixed so Seed alone picks the run.
const pcgStream = 0x5eed_5107_ca1e_0001

// Options says what to generate.
type Options struct {
	Seed uint64
	// Start is the first day: its calendar date, in Start's own location,
	// is taken as a UTC day, and every message falls in
	// [that day, that day + Weeks) UTC.
	Start time.Time
	Weeks int
	// MessagesPerDay is roughly the mean number of top-level requests per
	// calendar day across both intake channels; threads, bots and chatter
	// scale with it.
	MessagesPerDay float64
	Dir            string
	// Overwrite replaces an export already in Dir: the top-level JSON files
	// and the channel folders this generator writes are removed first;
	// other files (a README, say) are left alone.
	Overwrite bool
}

// Stats counts what Generate wrote.
type Stats struct {
	Days, Files int
	Bytes       int64
	Messages    int // every element of every day file
	// TopLevelHuman counts messages slackexport.Export.IsTopLevelHuman
	// accepts; IntakeTopLevelHuman those of them in intake channels, and
	// Requests those that ask for something (no opt-outs or announcements).
	TopLevelHuman, IntakeTopLevelHuman, Requests                            int
	ThreadReplies, Broadcasts, Joins, BotMessages, Edited, Changed, OptOuts int
	Channels                                                                []ChannelStats
}

// ChannelStats counts the messages written for one channel.
type ChannelStats struct {
	ID, Name string
	Messages int
}

// String formats the stats as aligned "name: value" lines.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "days: %d\nfiles: %d\nbytes: %d\nmessages: %d\n", s.Days, s.Files, s.Bytes, s.Messages)
	fmt.Fprintf(&b, "top-level human: %d\nintake top-level human: %d\nrequests: %d\n", s.TopLevelHuman, s.IntakeTopLevelHuman, s.Requests)
	fmt.Fprintf(&b, "thread replies: %d\nthread broadcasts: %d\njoins: %d\nbot messages: %d\n", s.ThreadReplies, s.Broadcasts, s.Joins, s.BotMessages)
	fmt.Fprintf(&b, "edited: %d\nmessage_changed: %d\nopt-outs: %d\n", s.Edited, s.Changed, s.OptOuts)
	for _, c := range s.Channels {
		fmt.Fprintf(&b, "#%s: %d\n", c.Name, c.Messages)
	}
	return b.String()
}

// Generate writes channels.json, users.json, integration_logs.json and
// <channel>/<YYYY-MM-DD>.json files (one per channel and UTC day with
// messages) into opt.Dir. The same options always produce byte-identical
// files. Memory stays bounded by a few days of messages, whatever Weeks is.
// On error the directory may hold a partial export. Generate may be called
// concurrently for different directories.
func Generate(opt Options) (Stats, error) {
	if opt.Weeks < 1 || opt.MessagesPerDay <= 0 || opt.Dir == "" {
		return Stats{}, fmt.Errorf("generate export: need Weeks >= 1, MessagesPerDay > 0 and a Dir, got %d, %g, %q",
			opt.Weeks, opt.MessagesPerDay, opt.Dir)
	}
	if err := prepareDir(opt.Dir, opt.Overwrite); err != nil {
		return Stats{}, err
	}
	g, err := newGenerator(opt)
	if err != nil {
		return Stats{}, err
	}
	if err := g.run(); err != nil {
		return Stats{}, err
	}
	return g.stats, nil
}

// prepareDir creates dir, refusing to mix two exports in one directory.
func prepareDir(dir string, overwrite bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create export dir: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "channels.json")); err != nil {
		return nil
	}
	if !overwrite {
		return fmt.Errorf("generate export in %s: %w (set Overwrite to replace it)", dir, ErrExists)
	}
	for _, name := range []string{"channels.json", "users.json", "integration_logs.json"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove old export file: %w", err)
		}
	}
	for _, c := range channelDefs {
		if err := os.RemoveAll(filepath.Join(dir, c.name)); err != nil {
			return fmt.Errorf("remove old channel folder: %w", err)
		}
	}
	return nil
}

// generator holds one run's state. It is used by one goroutine.
type generator struct {
	opt        Options
	r          *rand.Rand
	locs       map[string]*time.Location
	start, end time.Time // UTC, end exclusive
	days       int
	pending    map[int][]item    // by day index
	nextFlush  int               // first day not yet handed to the writer
	used       []map[int64]bool  // per channel: microseconds already taken
	members    []map[string]bool // per channel
	profiles   map[string]*wireProfile
	stats      Stats
	writer     *writer
}

// item is one message waiting for its day file.
type item struct {
	ch  int
	at  int64 // Unix microseconds, unique per channel
	msg *wireMessage
}

func newGenerator(opt Options) (*generator, error) {
	y, m, d := opt.Start.Date()
	g := &generator{
		opt:      opt,
		r:        rand.New(rand.NewPCG(opt.Seed, pcgStream)),
		locs:     map[string]*time.Location{},
		start:    time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		days:     opt.Weeks * 7,
		pending:  map[int][]item{},
		profiles: map[string]*wireProfile{},
	}
	g.end = g.start.AddDate(0, 0, g.days)
	for _, p := range people {
		loc, err := time.LoadLocation(p.tz)
		if err != nil {
			return nil, fmt.Errorf("load time zone: %w", err)
		}
		g.locs[p.tz] = loc
		g.profiles[p.id] = &wireProfile{
			AvatarHash:  "g" + randomID(g.r, 11),
			Image72:     fmt.Sprintf("https://secure.gravatar.com/avatar/%s.jpg?s=72&d=https%%3A%%2F%%2Fa.slack-edge.com%%2Fdf10d%%2Fimg%%2Favatars%%2Fava_0001-72.png", randomID(g.r, 32)),
			FirstName:   firstName(p.real),
			RealName:    p.real,
			DisplayName: p.display,
			Team:        teamID,
			Name:        p.handle,
		}
	}
	for range channelDefs {
		g.used = append(g.used, map[int64]bool{})
		g.members = append(g.members, map[string]bool{})
	}
	g.initialMembers()
	g.stats.Days = g.days
	for _, c := range channelDefs {
		g.stats.Channels = append(g.stats.Channels, ChannelStats{ID: c.id, Name: c.name})
	}
	g.writer = newWriter(opt.Dir)
	return g, nil
}

func (g *generator) run() error {
	for k := 0; k < g.days; k++ {
		day := g.start.AddDate(0, 0, k)
		for _, t := range teams {
			g.teamDay(t, day)
		}
		g.botsAndChatter(day)
		// Nothing generated from day k on is earlier than day k-1 in UTC
		// (no zone is more than a day ahead), so older days are final.
		g.flushThrough(k - 2)
		if err := g.writer.err(); err != nil {
			g.writer.close()
			return err
		}
	}
	g.flushThrough(g.days - 1)
	if err := g.writer.close(); err != nil {
		return err
	}
	g.stats.Files, g.stats.Bytes = g.writer.files, g.writer.bytes
	n, err := g.writeMeta()
	g.stats.Bytes += n
	g.stats.Files += 3
	return err
}
