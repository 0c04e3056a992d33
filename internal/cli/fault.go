package cli

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
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

// faultClockOffset names the environment variable of the process tests of
// scheduled work: set to a Go duration ("-72h30m", "1500h"), serve's clock
// runs that far from the machine's, at the machine's pace, so that a test
// can start replicas a minute before a weekly report or a handoff is due
// and SIGKILL the leader just before it. Every replica of a test gets the
// same offset, so they agree on the time as real replicas do. It is for
// tests only: Slack's request signatures are checked against this clock
// too, so a shifted serve refuses real Slack traffic.
const faultClockOffset = "SPRINTGUARD_FAULT_CLOCK_OFFSET"

// faultClock returns now shifted as the variable asks, or now itself when
// it is unset; a value that is not a duration is an error that names it.
func faultClock(getenv func(string) string, now func() time.Time) (func() time.Time, error) {
	raw := getenv(faultClockOffset)
	if raw == "" {
		return now, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: not a duration such as -72h30m: %w", faultClockOffset, raw, err)
	}
	return func() time.Time { return now().Add(d) }, nil
}
