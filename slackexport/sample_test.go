package slackexport

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/exportgen"
	"github.com/sprintguard/sprintguard/internal/ziptest"
)

const sampleDir = "../examples/slack-export"

// sampleOptions must match the command in examples/slack-export/README.md.
var sampleOptions = exportgen.Options{
	Seed: 1, Start: time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC), Weeks: 10, MessagesPerDay: 5,
}

func TestSampleExport(t *testing.T) {
	e, msgs, problems := walkAll(t, sampleDir)
	if len(problems) > 0 {
		t.Errorf("problems in the sample: %v", problems)
	}
	if len(e.Channels) < 3 {
		t.Errorf("%d channels, want at least 3", len(e.Channels))
	}
	weeks := map[[2]int]bool{}
	for _, d := range e.Dates() {
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			t.Fatal(err)
		}
		y, w := day.ISOWeek()
		weeks[[2]int{y, w}] = true
	}
	if len(weeks) < 10 {
		t.Errorf("dates cover %d ISO weeks, want at least 10", len(weeks))
	}
	if len(msgs) < 400 {
		t.Errorf("%d messages, want at least 400", len(msgs))
	}
	counts := map[string]int{}
	for _, m := range msgs {
		switch {
		case m.IsThreadReply():
			counts["thread reply"]++
		case m.Subtype == "channel_join":
			counts["join"]++
		case m.Subtype == "bot_message" || m.BotID != "":
			counts["bot message"]++
		case m.Subtype == "message_changed":
			counts["message_changed"]++
		case e.IsTopLevelHuman(m) && strings.HasPrefix(m.Text, ":speech_balloon:"):
			counts["opt-out"]++
		}
		if m.Edited {
			counts["edited"]++
		}
	}
	for _, kind := range []string{"thread reply", "join", "bot message", "edited", "message_changed", "opt-out"} {
		if counts[kind] == 0 {
			t.Errorf("the sample has no %s", kind)
		}
	}
}

// TestSampleExportIsReproducible regenerates the sample and requires every
// committed file to be byte-identical, so it can always be rebuilt.
func TestSampleExportIsReproducible(t *testing.T) {
	opt := sampleOptions
	opt.Dir = t.TempDir()
	if _, err := exportgen.Generate(opt); err != nil {
		t.Fatal(err)
	}
	fresh := ziptest.Files(t, opt.Dir)
	committed := ziptest.Files(t, sampleDir)
	// Written by hand, not generated: the demo's labels (see the README).
	delete(committed, "README.md")
	delete(committed, "labels.jsonl")
	for name, data := range fresh {
		old, ok := committed[name]
		if !ok {
			t.Errorf("%s is generated but not committed", name)
		} else if !bytes.Equal(old, data) {
			t.Errorf("%s differs from a fresh run; regenerate with the command in the README", name)
		}
	}
	for name := range committed {
		if _, ok := fresh[name]; !ok {
			t.Errorf("%s is committed but no longer generated", name)
		}
	}
}

// BenchmarkWalk reads a generated two-week export of about 45,000
// messages and reports messages per second.
func BenchmarkWalk(b *testing.B) {
	opt := exportgen.Options{Seed: 3, Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Weeks: 2, MessagesPerDay: 2000, Dir: b.TempDir()}
	if _, err := exportgen.Generate(opt); err != nil {
		b.Fatal(err)
	}
	var n int
	for b.Loop() {
		e, err := Open(opt.Dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Walk(func(Message) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
