package cli

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// faultKillAfterAcks names the environment variable of the crash test of
// group commit: set to N, serve SIGKILLs itself right after the store's
// commit that makes the Nth acknowledged delivery durable (with bbolt, the
// acknowledgement journal's fdatasync), before any caller of that commit,
// and so any of its Slack acknowledgements, is told. It counts
// acknowledgements, not batches: under load a whole burst's Accepts can
// share one or two commits, and a count of batches then fired while the
// burst's intakes were committed, after every ack was sent.
const faultKillAfterAcks = "SPRINTGUARD_FAULT_KILL_AFTER_ACKS"

// killAfterAcks returns the store's commit hook that the variable asks
// for, or nil (no hook) when it is unset or not a positive number. The
// hook calls kill once, on the writer goroutine, and kill must not return
// (serve's kills the process).
func killAfterAcks(getenv func(string) string, kill func()) func(intents, accepts int) {
	n, err := strconv.Atoi(getenv(faultKillAfterAcks))
	if err != nil || n <= 0 {
		return nil
	}
	var durable int // the store never runs the hook twice at once (Options.AfterCommit)
	return func(_, accepts int) {
		before := durable
		durable += accepts
		if before < n && durable >= n {
			kill()
		}
	}
}

// killSelf SIGKILLs the process and waits for the signal, telling nobody
// anything meanwhile.
func killSelf() {
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
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
