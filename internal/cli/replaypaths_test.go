package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/exportgen"
)

// TestReplayPathsAgree runs the in-memory replay and the durable one
// (--db) on the example export and on a generated one, and wants the same
// bytes from both: on stdout in every format, on stderr, and in the HTML
// pages. The durable path is the one replay always took, so this holds the
// fast path to the old output.
func TestReplayPathsAgree(t *testing.T) {
	generated := filepath.Join(t.TempDir(), "export")
	if _, err := exportgen.Generate(exportgen.Options{Seed: 11, Start: time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC),
		Weeks: 4, MessagesPerDay: 15, Dir: generated}); err != nil {
		t.Fatal(err)
	}
	exports := map[string]string{"example": repo("examples", "slack-export"), "generated": generated}
	formats := map[string][]string{"summary": nil, "verbose": {"--verbose"}, "json": {"--format", "json"}}
	for name, export := range exports {
		for format, extra := range formats {
			if name == "generated" && format == "summary" {
				continue // its parts are in verbose and json; the example covers it
			}
			t.Run(name+"/"+format, func(t *testing.T) {
				outputs := [2]map[string]string{}
				for i, path := range []string{"memory", "db"} {
					dir := t.TempDir()
					html := filepath.Join(dir, "html")
					args := append([]string{"replay", "--config", repo("examples", "sprintguard.yaml"), "--export", export,
						"--html-dir", html}, extra...)
					if path == "db" {
						args = append(args, "--db", filepath.Join(dir, "replay.db"))
					}
					code, stdout, stderr := run(t, args...)
					if code != ExitOK {
						t.Fatalf("%s path: exit %d: %s", path, code, stderr)
					}
					outputs[i] = map[string]string{"stdout": stdout, "stderr": strings.ReplaceAll(stderr, html, "HTML")}
					pages, err := os.ReadDir(html)
					if err != nil {
						t.Fatal(err)
					}
					for _, p := range pages {
						b, err := os.ReadFile(filepath.Join(html, p.Name()))
						if err != nil {
							t.Fatal(err)
						}
						outputs[i][p.Name()] = string(b)
					}
				}
				mem, db := outputs[0], outputs[1]
				if len(mem) != len(db) || len(mem) < 4 {
					t.Fatalf("memory path wrote %d outputs, durable path %d", len(mem), len(db))
				}
				for k, want := range db {
					if got := mem[k]; got != want {
						t.Errorf("%s differs between the paths:\n%s", k, firstDifference(got, want))
					}
				}
			})
		}
	}
}

// firstDifference shows where two outputs part, with some context.
func firstDifference(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(i-200, 0)
	return "memory: ..." + got[lo:min(i+200, len(got))] + "\ndurable: ..." + want[lo:min(i+200, len(want))]
}

// TestReplayDBRefusesAnExistingFile keeps a replay out of a store that is
// already there, a live one perhaps, and leaves that file as it was.
func TestReplayDBRefusesAnExistingFile(t *testing.T) {
	file := writeFile(t, t.TempDir(), "sprintguard.db", "not to be touched")
	code, _, stderr := run(t, "replay", "--config", repo("examples", "sprintguard.yaml"), "--export", repo("examples", "slack-export"), "--db", file)
	if code == ExitOK || !strings.Contains(stderr, file) || !strings.Contains(stderr, "new file") {
		t.Errorf("exit %d, stderr %q: want a failure naming the file", code, stderr)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "not to be touched" {
		t.Errorf("the file now holds %q (%v)", b, err)
	}
}
