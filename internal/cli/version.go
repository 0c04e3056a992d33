package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at build time with -ldflags -X.
var (
	Version = "dev"
	Commit  = ""
)

func runVersion(ctx context.Context, env Env, args []string) int {
	commit := Commit
	if commit == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					commit = s.Value
				}
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	fmt.Fprintf(env.Stdout, "sprintguard %s (commit %s, %s %s/%s)\n", Version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return ExitOK
}
