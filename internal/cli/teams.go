package cli

import (
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// pickTeams returns the team --team names, or every team when name is "".
// An unknown name is a usage error: it prints one line naming the known
// teams and returns ExitUsage, which the caller returns as is.
func pickTeams(env Env, cmd string, st *triage.Settings, name string) ([]*triage.Team, int) {
	if name == "" {
		return st.Teams, ExitOK
	}
	t, err := st.LookupTeam(name)
	if err != nil {
		return nil, usageError(env, cmd, "--team: "+triage.ErrorMessage(err))
	}
	return []*triage.Team{t}, ExitOK
}

// usageError prints a usage error as one line with a hint at the command's
// help, and returns ExitUsage.
func usageError(env Env, cmd, msg string) int {
	fmt.Fprintf(env.Stderr, "sprintguard %s: %s (see sprintguard %s -h)\n", cmd, msg, cmd)
	return ExitUsage
}
