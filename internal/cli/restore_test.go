package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRestore(t *testing.T) {
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	backupDir := t.TempDir()
	backup := filepath.Join(backupDir, "b.db")
	seedStore(t, backup, 7)
	seedStore(t, filepath.Join(dir, "sg.db"), 2)

	code, out, errs := run(t, "restore", backup, "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "(7 requests)") || !strings.Contains(out, "kept the previous database") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errs)
	}
	if n := countRequests(t, filepath.Join(dir, "sg.db")); n != 7 {
		t.Fatalf("%d requests after the restore, want 7", n)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "sg.db.before-restore-*"))
	if len(kept) != 1 || countRequests(t, kept[0]) != 2 {
		t.Fatalf("previous database kept as %v", kept)
	}

	junk := filepath.Join(backupDir, "junk.db")
	os.WriteFile(junk, []byte("not a database"), 0o600)
	if code, _, errs := run(t, "restore", junk, "--config", cfg); code == ExitOK || !strings.Contains(errs, "junk.db") {
		t.Fatalf("restoring junk: exit %d, %s", code, errs)
	}
	if n := countRequests(t, filepath.Join(dir, "sg.db")); n != 7 {
		t.Fatalf("a refused restore changed the database: %d requests", n)
	}
}
