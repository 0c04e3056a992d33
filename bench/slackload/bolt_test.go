package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without node or npm the phase is skipped, never failed, and nothing is
// installed.
func TestBoltInstallSkipsWithoutNode(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	cache := t.TempDir()
	_, err := boltInstall(context.Background(), cache)
	if !errors.Is(err, errSkip) || !strings.Contains(err.Error(), "no node") {
		t.Fatalf("err = %v, want a skip naming node", err)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("the cache holds %d entries after a skip", len(entries))
	}
}

// A failing npm is a skip too, and leaves no marker that would make the
// next run take the broken install for a finished one.
func TestBoltInstallSkipsWhenNPMFails(t *testing.T) {
	bin := t.TempDir()
	for name, script := range map[string]string{
		"node": "#!/bin/sh\nexit 0\n",
		"npm":  "#!/bin/sh\necho 'npm error 403 Forbidden' >&2\nexit 1\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	cache := t.TempDir()
	_, err := boltInstall(context.Background(), cache)
	if !errors.Is(err, errSkip) || !strings.Contains(err.Error(), "403 Forbidden") {
		t.Fatalf("err = %v, want a skip with npm's last line", err)
	}
	marks, _ := filepath.Glob(filepath.Join(cache, "bolt-*", ".installed"))
	if len(marks) != 0 {
		t.Errorf("a failed install left %v", marks)
	}
	// The app's files are in place for the next try.
	if files, _ := filepath.Glob(filepath.Join(cache, "bolt-*", "package-lock.json")); len(files) != 1 {
		t.Errorf("package-lock.json copied %d times, want once", len(files))
	}
}
