package cli

import (
	"os"
	"testing"

	"github.com/sprintguard/sprintguard/internal/pgtest"
)

// TestMain stops the throw-away PostgreSQL cluster, if a test started one.
// It also removes the binary the process tests built.
func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
