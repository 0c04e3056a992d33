package replay

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/exportgen"
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

// TestEvictingGivesTheDurableAnswer replays generated exports in memory,
// where finished requests are counted and evicted as the replay goes, and
// through the durable store, which keeps every request to the end, and
// wants the same text, JSON and labelled requests from both. On an
// export whose reply_count undercounts its threads, eviction guesses
// wrong: the replay must notice and start over, not answer differently.
func TestEvictingGivesTheDurableAnswer(t *testing.T) {
	st, err := app.ExampleSettings()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := exportgen.Generate(exportgen.Options{Seed: 5, Start: time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC),
		Weeks: 3, MessagesPerDay: 20, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	undercounted := filepath.Join(t.TempDir(), "undercounted")
	if n := copyExport(t, dir, undercounted, regexp.MustCompile(`"reply_count": *[0-9]+`), []byte(`"reply_count": 0`)); n == 0 {
		t.Fatal("the generated export has no reply_count to undercount")
	}
	// Every message asking the same makes each requester's second ask
	// within the duplicate window a duplicate of the first, which intake
	// finds through store/memory's PeekRequestsBy on the in-memory path.
	askedTwice := filepath.Join(t.TempDir(), "asked-twice")
	if n := copyExport(t, dir, askedTwice, regexp.MustCompile(`"text": *"(?:[^"\\]|\\.)*"`), []byte(`"text": "please add me to the deploy group"`)); n == 0 {
		t.Fatal("the generated export has no text to replace")
	}
	// Every third request is kept whole, as a labels file would ask.
	keep := func(r *triage.Request) bool { return r.ID%3 == 0 }
	// The requests of the export as generated, which the asked-twice
	// copy must have fewer of: its duplicates open none.
	plain := 0
	for _, tc := range []struct {
		name      string
		export    string
		wantRerun bool
	}{
		{"reply counts right", dir, false},
		{"reply counts zero", undercounted, true},
		{"asked twice", askedTwice, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := replayOnce(t, tc.export, Options{Settings: st, Keep: keep})
			db := replayOnce(t, tc.export, Options{Settings: st, Keep: keep, DB: filepath.Join(t.TempDir(), "replay.db")})
			if mem.reran != tc.wantRerun {
				t.Errorf("started over: %v, want %v", mem.reran, tc.wantRerun)
			}
			if !tc.wantRerun && mem.evicted < mem.Requests()/2 {
				t.Errorf("evicted %d of %d requests during the run; want most", mem.evicted, mem.Requests())
			}
			if mem.Requests() == 0 {
				t.Fatal("no requests")
			}
			switch tc.export {
			case dir:
				plain = mem.Requests()
			case askedTwice:
				if plain == 0 || mem.Requests() >= plain {
					t.Errorf("%d requests from the export asked twice against %d from the same messages asked once; want fewer: no duplicate found", mem.Requests(), plain)
				}
			}
			for _, write := range []func(*Result) string{
				func(r *Result) string { var b bytes.Buffer; r.WriteText(&b); return b.String() },
				func(r *Result) string { var b bytes.Buffer; r.WriteJSON(&b); return b.String() },
				labelled,
			} {
				if got, want := write(mem), write(db); got != want {
					t.Errorf("the in-memory replay differs from the durable one:\n%s", firstDiff(got, want))
				}
			}
		})
	}
}

func replayOnce(t *testing.T, dir string, opt Options) *Result {
	t.Helper()
	exp, err := slackexport.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Close()
	res, err := Run(context.Background(), exp, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// labelled lists the requests kept whole, with the state a label join reads.
func labelled(r *Result) string {
	var b bytes.Buffer
	for _, t := range r.Teams {
		for _, q := range t.Labelled {
			b.WriteString(t.Team.Name + " " + q.TS + " " + q.Summary + " " + string(q.Status) + " " + q.Ticket.Key + " " + q.Urgency.String() + "\n")
		}
	}
	return b.String()
}

// copyExport copies the export in src to dst, replacing re's matches by
// with in the day files, and returns how many it replaced.
func copyExport(t *testing.T, src, dst string, re *regexp.Regexp, with []byte) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n += len(re.FindAll(b, -1))
		return os.WriteFile(filepath.Join(dst, rel), re.ReplaceAll(b, with), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(i-200, 0)
	return "memory: ..." + got[lo:min(i+200, len(got))] + "\ndurable: ..." + want[lo:min(i+200, len(want))]
}
