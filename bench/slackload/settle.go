package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The ceiling and Bolt are measured once serve has settled: its CPU use
// under settleShare of one CPU over settleWindow. Serve's work left over
// from the load phases (the outbox's calls when the drain did not wait for
// them, -outbox=false, or anything a timer starts) would otherwise take
// the CPU from the bare handler and its senders on this shared machine:
// with -outbox=false, serve's 0.67 s of CPU in the first 10 s at 500/s
// made the ceiling's p99 23 ms against 4 ms in the next 10 s
// (docs/performance.md, session 18).
const (
	settleWindow = time.Second
	settleShare  = 0.02
	settleLimit  = 2 * time.Minute
)

// cpuTime returns the user and system time the process has used so far,
// as Linux's /proc shows it; false where it cannot be read.
func (c *child) cpuTime() (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, false
	}
	return statCPU(string(b))
}

// statCPU reads utime and stime, in clock ticks of 1/100 s (Linux's
// USER_HZ), from the text of /proc/PID/stat: fields 14 and 15, counted
// after the command name, which may itself hold spaces and parentheses.
func statCPU(stat string) (time.Duration, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

// settle waits until serve has used less than settleShare of one CPU over
// the last settleWindow, or settleLimit has passed, and says which.
func (c *child) settle(ctx context.Context) {
	start := time.Now()
	prev, ok := c.cpuTime()
	if !ok {
		fmt.Printf("%-40s cannot read serve's CPU time: the ceiling is measured at once\n", "settle")
		return
	}
	for time.Since(start) < settleLimit {
		if !pause(ctx, settleWindow) || c.exited() {
			return
		}
		now, ok := c.cpuTime()
		if !ok {
			return
		}
		if used := now - prev; used.Seconds() < settleShare*settleWindow.Seconds() {
			fmt.Printf("%-40s serve used %v of CPU in the last %v, after %.1f s of waiting\n", "settle", used, settleWindow, time.Since(start).Seconds())
			return
		}
		prev = now
	}
	fmt.Printf("%-40s serve still used %.0f%% of a CPU or more after %v; the ceiling is measured beside it\n", "settle", 100*settleShare, settleLimit)
}

// cpuDuring returns how much CPU serve used while f ran, with -1 when it
// cannot be read.
func (c *child) cpuDuring(f func()) time.Duration {
	before, ok1 := c.cpuTime()
	f()
	after, ok2 := c.cpuTime()
	if !ok1 || !ok2 {
		return -1
	}
	return after - before
}
