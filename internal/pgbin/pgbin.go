// Package pgbin finds PostgreSQL's programs: on PATH, then in Debian's
// /usr/lib/postgresql/VERSION/bin, newest version first, where Debian's
// postgresql package puts them without putting them on PATH.
package pgbin

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
)

// ErrNotFound means no program of that name is on PATH or in Debian's
// PostgreSQL folders.
var ErrNotFound = errors.New("not on PATH or in /usr/lib/postgresql/*/bin")

// Find returns the path of the PostgreSQL program name as found, links
// unresolved: Debian's /usr/bin/pg_dump is a link to a wrapper that
// picks the program by the name it was run as. It is safe to call
// concurrently.
func Find(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// By version as a number: 9 is older than 10.
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}
