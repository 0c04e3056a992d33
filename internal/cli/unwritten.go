package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sprintguard/sprintguard/config"
)

// unwritten reports whether cfg's bolt database is one the bot has not
// written yet: no file in a folder that is there, or an empty file. On a
// fresh install that is the team's history, with nothing in it, and the
// commands that learn from it say "no overrides yet" rather than fail a
// CI job set up before the bot first ran. A folder that is not there is
// no fresh install but a storage.path that points elsewhere than serve
// would write (serve makes the file, not its folder): that is an error
// naming the path.
func unwritten(cfg *config.Config) (bool, error) {
	path := cfg.Storage.Path
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		return fi.Mode().IsRegular() && fi.Size() == 0, nil
	case !errors.Is(err, os.ErrNotExist):
		return false, fmt.Errorf("open store: %w", err)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return false, fmt.Errorf("no database at %s: its folder %s is not there, so serve cannot have written it; fix storage.path in %s", path, dir, cfg.Path)
	}
	return true, nil
}
