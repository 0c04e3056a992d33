// Package examples holds the example configuration that `make demo` runs
// and that the binary embeds as its default.
package examples

import _ "embed"

// Config is examples/sprintguard.yaml, the documented example
// configuration. It loads with no environment variable set. Treat it as
// read-only; it is shared by every caller.
//
//go:embed sprintguard.yaml
var Config []byte
