package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHistoryOfAFreshInstall runs rules suggest and rules eval --history
// before the bot ever wrote the database: a file that is not there yet (in
// a folder that is) or that is empty is a history with nothing in it, so
// both say "no overrides yet" and exit 0; a database created and never
// written says so too. A folder that is not there is a wrong storage.path,
// and an error that names it.
func TestHistoryOfAFreshInstall(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(t *testing.T, db string)
		code     int
		stdout   string
		stderrIn string
	}{
		{"no file yet", func(*testing.T, string) {}, ExitOK, noOverrides + "\n", "not written yet"},
		{"an empty file", func(t *testing.T, db string) {
			if err := os.WriteFile(db, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, ExitOK, noOverrides + "\n", "not written yet"},
		{"a database with no requests", func(t *testing.T, db string) { seedStore(t, db, 0) }, ExitOK, noOverrides + "\n", ""},
		{"no folder", nil, ExitFail, "", "is not there"},
	} {
		for _, cmd := range [][]string{{"rules", "suggest"}, {"rules", "eval", "--history"}} {
			t.Run(tc.name+"/"+strings.Join(cmd, " "), func(t *testing.T) {
				dir := t.TempDir()
				db := filepath.Join(dir, "sg.db")
				if tc.setup == nil {
					db = filepath.Join(dir, "missing", "sg.db")
				} else {
					tc.setup(t, db)
				}
				cfg := writeFile(t, dir, "sprintguard.yaml", strings.Replace(readFile(t, storeConfig(t, dir)), filepath.Join(dir, "sg.db"), db, 1))
				code, out, errs := run(t, append(cmd, "--config", cfg)...)
				if code != tc.code || out != tc.stdout || !strings.Contains(errs, tc.stderrIn) {
					t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q and stderr with %q", code, out, errs, tc.code, tc.stdout, tc.stderrIn)
				}
				if tc.code != ExitOK && !strings.Contains(errs, db) {
					t.Errorf("the error does not name %s: %q", db, errs)
				}
				if tc.setup == nil {
					if _, err := os.Stat(filepath.Dir(db)); err == nil {
						t.Errorf("%s made the folder of the database", cmd)
					}
				}
			})
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEmptyHistoryAsJSON: rules eval --history --format json says there
// is no history in JSON, which the CI step that reads it can parse, and
// --min-accuracy does not fail on it.
func TestEmptyHistoryAsJSON(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "rules", "eval", "--history", "--format", "json", "--min-accuracy", "0.9", "--config", storeConfig(t, dir))
	var res struct {
		N    int    `json:"n"`
		Note string `json:"note"`
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &res) != nil || res.N != 0 || res.Note != noOverrides {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and JSON with n 0 and the note", code, out, errs)
	}
}
