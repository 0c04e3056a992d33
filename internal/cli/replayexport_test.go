package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/internal/ziptest"
)

// TestZipExportLabelsInside: the labels.jsonl of an export zipped whole,
// at the zip's root or under its single top folder, is read from inside
// the zip by replay, and named by its path there so that its FILE:LINE
// points at the file; rules suggest reads it too.
func TestZipExportLabelsInside(t *testing.T) {
	// A replay of the whole example export: it runs beside the package's
	// waiting tests, which leave the CPUs idle, not after them.
	t.Parallel()
	for _, top := range []string{"", "top"} {
		z := ziptest.Dir(t, repo("examples", "slack-export"), top, nil)
		code, out, errs := run(t, "replay", "--config", repo("examples", "sprintguard.yaml"), "--export", z)
		if code != ExitOK {
			t.Fatalf("replay of the zip with labels under %q: exit %d: %s", top, code, errs)
		}
		if want := "Rules against the labels in " + filepath.Join(z, top, "labels.jsonl"); !strings.Contains(out, want) {
			t.Errorf("replay of the zip with labels under %q lacks %q:\n%s", top, want, out)
		}
		if top != "" {
			continue
		}
		code, out, errs = run(t, "rules", "suggest", "--config", repo("examples", "sprintguard.yaml"), "--export", z, "--team", "platform")
		if code != ExitOK || !strings.Contains(out, "labelled requests") {
			t.Errorf("rules suggest on the zip: exit %d, stderr %s\n%s", code, errs, out)
		}
	}
}

// TestSuggestWithTheEmbeddedExample: with no --config, rules suggest
// works on the embedded example and diffs its rules as the repository
// holds them, instead of failing after the analysis.
func TestSuggestWithTheEmbeddedExample(t *testing.T) {
	// A replay of the whole example export: it runs beside the package's
	// waiting tests, which leave the CPUs idle, not after them.
	t.Parallel()
	code, out, errs := run(t, "rules", "suggest", "--export", repo("examples", "slack-export"), "--team", "platform")
	if code != ExitOK {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	for _, want := range []string{"embedded example", "--- a/examples/sprintguard.yaml\n+++ b/examples/sprintguard.yaml\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}
