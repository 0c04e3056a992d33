// Command sprintguard is the Slack bot that shields a team's sprint from
// ad-hoc requests. main only handles signals and the exit code; the
// commands live in internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/sprintguard/sprintguard/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile()
	code := cli.Main(ctx, os.Args[1:], cli.System())
	stopProfile()
	stop()
	os.Exit(code)
}
