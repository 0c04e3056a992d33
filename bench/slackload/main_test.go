package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/sprintguard/sprintguard/internal/pgtest"
)

// TestMain runs the ceiling's server instead of the tests when the test
// binary is started as one (startCeiling starts os.Executable).
func TestMain(m *testing.M) {
	if secret := os.Getenv(ceilingChildEnv); secret != "" {
		if err := ceilingChild(secret); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	pgtest.Main(m)
}
