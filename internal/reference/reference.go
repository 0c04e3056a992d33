// Package reference finds the published API descriptions that the fakes
// check their traffic against. They live in the team's shared/reference
// folder beside the checkout and are read in place, never copied into the
// project.
package reference

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DirEnv names the variable that may point at the reference folder; without
// it the folder is looked for as shared/reference in the working directory
// and each of its parents.
const DirEnv = "SPRINTGUARD_REFERENCE"

// RequireEnv names the variable that, when set to 1, makes a missing
// reference folder an error for the tests instead of a skipped check. CI
// sets it, so that the checks can never be skipped there.
const RequireEnv = "SPRINTGUARD_REQUIRE_REFERENCE"

// ErrMissing is returned, wrapped, when the file is not on this machine.
var ErrMissing = errors.New("reference description not found")

// Path returns the path of rel (such as "github/api.github.com.json")
// inside the reference folder. It may be called concurrently.
func Path(rel string) (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		p := filepath.Join(d, rel)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %w (%v)", p, ErrMissing, err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "shared", "reference", rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no shared/reference/%s above the working directory (set %s): %w", rel, DirEnv, ErrMissing)
		}
		dir = parent
	}
}

// Required reports whether a missing description must fail the tests.
func Required() bool { return os.Getenv(RequireEnv) == "1" }
