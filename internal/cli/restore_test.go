package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/store"
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

// A journal left without its database (the file was deleted, the folder
// was not) belongs to that database: restore moves it aside, so that the
// restored database opens with the backup's requests and nothing else.
func TestRestoreKeepsAStrayJournalAside(t *testing.T) {
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	backup := filepath.Join(t.TempDir(), "b.db")
	seedStore(t, backup, 3)
	dst := filepath.Join(dir, "sg.db")
	if err := os.MkdirAll(store.JournalDir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(store.JournalDir(dst), "00000000000000000001.wal")
	if err := os.WriteFile(stray, []byte("records of a database that is gone"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "restore", backup, "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "kept the journal of the previous database") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errs)
	}
	if n := countRequests(t, dst); n != 3 {
		t.Errorf("%d requests after the restore, want 3", n)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "sg.db.before-restore-*-journal", "*.wal"))
	if len(kept) != 1 {
		t.Errorf("the stray journal was not kept aside: %v", kept)
	}
}
