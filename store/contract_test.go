package store

import (
	"path/filepath"
	"testing"

	"github.com/sprintguard/sprintguard/store/storetest"
)

// TestContract runs the store contract on the bbolt driver, each case on
// a file of its own in a temp dir.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Driver{New: func(t *testing.T) storetest.Opener {
		path := filepath.Join(t.TempDir(), "sprintguard.db")
		return func(opt storetest.Options) (storetest.Store, error) {
			return Open(path, Options{Now: opt.Now, DedupeTTL: opt.DedupeTTL})
		}
	}})
}
