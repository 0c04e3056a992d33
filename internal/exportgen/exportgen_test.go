package exportgen

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/ziptest"
	"github.com/sprintguard/sprintguard/slackexport"
)

func smallOptions(dir string) Options {
	return Options{Seed: 7, Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Weeks: 3, MessagesPerDay: 12, Dir: dir}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := Generate(smallOptions(dir)); err != nil {
			t.Fatal(err)
		}
	}
	other := smallOptions(c)
	other.Seed = 8
	if _, err := Generate(other); err != nil {
		t.Fatal(err)
	}
	fa, fb, fc := ziptest.Files(t, a), ziptest.Files(t, b), ziptest.Files(t, c)
	if len(fa) != len(fb) {
		t.Fatalf("%d files vs %d files", len(fa), len(fb))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs with the same options", name)
		}
	}
	if bytes.Equal(fa["platform-help/2026-03-03.json"], fc["platform-help/2026-03-03.json"]) {
		t.Error("seed 8 wrote the same platform-help day as seed 7")
	}
}

// TestGenerateReadsBack checks the generated export against the reader and
// the invariants of real exports.
func TestGenerateReadsBack(t *testing.T) {
	opt := smallOptions(t.TempDir())
	stats, err := Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	e, err := slackexport.Open(opt.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	type key struct{ ch, ts string }
	seen := map[key]slackexport.Message{}
	repliesSeen := map[key]int{}
	posters := map[string]map[string]bool{}
	var human, intake, total int
	start, end := opt.Start, opt.Start.AddDate(0, 0, 7*opt.Weeks)
	problems, err := e.Walk(func(m slackexport.Message) error {
		total++
		k := key{m.Channel, m.TS}
		if _, dup := seen[k]; dup {
			t.Errorf("duplicate ts %s in %s", m.TS, m.ChannelName)
		}
		seen[k] = m
		if m.Time.Before(start) || !m.Time.Before(end) {
			t.Errorf("%s %s outside [%s, %s)", m.ChannelName, m.TS, start, end)
		}
		if want := m.ChannelName + "/" + m.Time.Format(time.DateOnly) + ".json"; m.File != want {
			t.Errorf("message %s is in %s, want %s", m.TS, m.File, want)
		}
		if m.IsThreadReply() {
			parent, ok := seen[key{m.Channel, m.ThreadTS}]
			if !ok || parent.ThreadTS != parent.TS {
				t.Errorf("reply %s in %s has no earlier thread parent %s", m.TS, m.ChannelName, m.ThreadTS)
			}
			repliesSeen[key{m.Channel, m.ThreadTS}]++
		}
		if m.User != "" && m.Subtype != "channel_join" {
			if posters[m.Channel] == nil {
				posters[m.Channel] = map[string]bool{}
			}
			posters[m.Channel][m.User] = true
		}
		if e.IsTopLevelHuman(m) {
			human++
			if m.Channel == chPlatformHelp || m.Channel == chDataHelp {
				intake++
			}
		}
		return nil
	})
	if err != nil || len(problems) > 0 {
		t.Fatalf("Walk: %v, problems %v", err, problems)
	}
	if total != stats.Messages || human != stats.TopLevelHuman || intake != stats.IntakeTopLevelHuman {
		t.Errorf("read %d messages, %d top-level human, %d in intake; Stats says %d, %d, %d",
			total, human, intake, stats.Messages, stats.TopLevelHuman, stats.IntakeTopLevelHuman)
	}
	for k, m := range seen {
		if m.ReplyCount != repliesSeen[k] {
			t.Errorf("%s %s has reply_count %d but %d replies", m.ChannelName, m.TS, m.ReplyCount, repliesSeen[k])
		}
	}
	for _, ch := range e.Channels {
		members := map[string]bool{}
		for _, id := range ch.Members {
			members[id] = true
		}
		for user := range posters[ch.ID] {
			if !members[user] {
				t.Errorf("%s posted in #%s but is not a member", user, ch.Name)
			}
		}
	}
	for _, want := range []string{"U0PLAT001", "U0DATA003", "U0SEC001", "U0BOTDEPL", "U0BOTPAGE"} {
		if _, ok := e.Users[want]; !ok {
			t.Errorf("users.json lacks %s", want)
		}
	}
	if !e.Users["U0BOTPAGE"].IsBot || e.Users["U0PAY001"].IsBot {
		t.Error("bot flags wrong in users.json")
	}
}

func TestGenerateOptions(t *testing.T) {
	valid := func(dir string) Options { return smallOptions(dir) }
	tests := []struct {
		name   string
		change func(*Options)
	}{
		{"no weeks", func(o *Options) { o.Weeks = 0 }},
		{"no messages", func(o *Options) { o.MessagesPerDay = 0 }},
		{"no dir", func(o *Options) { o.Dir = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := valid(t.TempDir())
			tt.change(&opt)
			if _, err := Generate(opt); err == nil {
				t.Error("Generate succeeded, want an error")
			}
		})
	}
}

func TestGenerateOverwrite(t *testing.T) {
	dir := t.TempDir()
	long := smallOptions(dir)
	if _, err := Generate(long); err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(readme, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	short := long
	short.Weeks = 1
	if _, err := Generate(short); !errors.Is(err, ErrExists) {
		t.Fatalf("Generate into an existing export = %v, want ErrExists", err)
	}
	short.Overwrite = true
	if _, err := Generate(short); err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	short.Dir, short.Overwrite = fresh, false
	if _, err := Generate(short); err != nil {
		t.Fatal(err)
	}
	got, want := ziptest.Files(t, dir), ziptest.Files(t, fresh)
	if string(got["README.md"]) != "keep me" {
		t.Error("Overwrite removed README.md")
	}
	delete(got, "README.md")
	if len(got) != len(want) {
		t.Errorf("after Overwrite %d files, a fresh run writes %d: stale day files left behind", len(got), len(want))
	}
	for name := range got {
		if !bytes.Equal(got[name], want[name]) {
			t.Errorf("%s differs from a fresh run", name)
		}
	}
}

func TestStatsString(t *testing.T) {
	s := Stats{Days: 7, Messages: 12, Channels: []ChannelStats{{ID: "C1", Name: "general", Messages: 12}}}
	out := s.String()
	for _, want := range []string{"days: 7\n", "messages: 12\n", "#general: 12\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("String() = %q, lacks %q", out, want)
		}
	}
}

// BenchmarkGenerate measures a two-week export at about 1,600 messages a
// day; it reports messages per second, the figure that decides how long a
// 100,000-message replay input takes.
func BenchmarkGenerate(b *testing.B) {
	var msgs int
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), "run")
		opt := Options{Seed: uint64(i), Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Weeks: 2, MessagesPerDay: 1000, Dir: dir}
		stats, err := Generate(opt)
		if err != nil {
			b.Fatal(err)
		}
		msgs += stats.Messages
	}
	b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
}
