package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestHandoffDryRun(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, filepath.Join(dir, "sg.db"), 4)
	cfg := storeConfig(t, dir)
	code, out, errs := run(t, "handoff", "--dry-run", "--team", "platform", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"# platform: handoff at", "On-call handoff · platform", "Open requests (", "need access to bucket", "Next handoff"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "data") && strings.Contains(out, "# data") {
		t.Errorf("--team platform printed another team:\n%s", out)
	}
	if code, _, errs := run(t, "handoff", "--config", cfg); code != ExitUsage || !strings.Contains(errs, "--dry-run") {
		t.Errorf("without --dry-run: exit %d, %s", code, errs)
	}
}
