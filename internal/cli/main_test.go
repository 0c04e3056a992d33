package cli

import (
	"testing"

	"github.com/sprintguard/sprintguard/internal/pgtest"
)

// TestMain stops the throw-away PostgreSQL cluster, if a test started one.
func TestMain(m *testing.M) { pgtest.Main(m) }
