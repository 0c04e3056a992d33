package cli

import (
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
)

// faultKillAfterBatch names the environment variable of the crash test of
// group commit: set to N, serve SIGKILLs itself right after the store's
// Nth commit of a batch of several transactions is on disk, before any of
// their callers, and so any of Slack's acknowledgements, is told.
const faultKillAfterBatch = "SPRINTGUARD_FAULT_KILL_AFTER_BATCH"

// killAfterBatch returns the store's commit hook that the variable asks
// for, or nil (no hook) when it is unset or not a positive number.
func killAfterBatch(getenv func(string) string) func(int) {
	n, err := strconv.Atoi(getenv(faultKillAfterBatch))
	if err != nil || n <= 0 {
		return nil
	}
	var batches atomic.Int64
	return func(intents int) {
		if intents > 1 && batches.Add(1) == int64(n) {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way; tell nobody anything
		}
	}
}
