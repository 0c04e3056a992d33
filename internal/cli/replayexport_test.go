package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/internal/ziptest"
)

// TestZipExportLabelsInside: the labels.jsonl of an export zipped whole is
// read from inside the zip, by replay and by rules suggest.
func TestZipExportLabelsInside(t *testing.T) {
	// A replay of the whole example export: it runs beside the package's
	// waiting tests, which leave the CPUs idle, not after them.
	t.Parallel()
	z := ziptest.Dir(t, repo("examples", "slack-export"), "", nil)
	code, out, errs := run(t, "replay", "--config", repo("examples", "sprintguard.yaml"), "--export", z)
	if code != ExitOK {
		t.Fatalf("replay: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Rules against the labels in "+filepath.Join(z, "labels.jsonl")) {
		t.Errorf("replay of the zip has no eval section for the labels inside it:\n%s", out)
	}
	code, out, errs = run(t, "rules", "suggest", "--config", repo("examples", "sprintguard.yaml"), "--export", z, "--team", "platform")
	if code != ExitOK || !strings.Contains(out, "labelled requests") {
		t.Errorf("rules suggest on the zip: exit %d, stderr %s\n%s", code, errs, out)
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

// TestZipExportLabelsUnderTopFolder: labels kept in an export re-zipped
// from its folder are named by their path inside the zip, so that their
// FILE:LINE points at the file.
func TestZipExportLabelsUnderTopFolder(t *testing.T) {
	// A replay of the whole example export: it runs beside the package's
	// waiting tests, which leave the CPUs idle, not after them.
	t.Parallel()
	z := ziptest.Dir(t, repo("examples", "slack-export"), "top", nil)
	code, out, errs := run(t, "replay", "--config", repo("examples", "sprintguard.yaml"), "--export", z)
	if code != ExitOK {
		t.Fatalf("replay: exit %d: %s", code, errs)
	}
	if want := "Rules against the labels in " + filepath.Join(z, "top", "labels.jsonl"); !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}
