package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The ceiling and Bolt are measured once serve has settled, its CPU use
// under settleShare of one CPU over settleWindow, and then with serve
// stopped (SIGSTOP) until they are done. Otherwise serve's work left over
// from the load phases (the outbox's calls when the drain did not wait
// for them, -outbox=false) and its periodic work (0.3-0.7 s of CPU in each
// 15 s ceiling phase of a perf table run once settled; the scheduler's
// sweeps run every 30 s, and escalation's decodes every open request)
// takes the CPU from the bare handler and its senders on this shared
// machine: with -outbox=false, serve's 0.67 s of CPU in the first 10 s at
// 500/s made the ceiling's p99 23 ms against 4 ms in the next 10 s
// (docs/performance.md, session 18). Settling first lets serve finish its
// calls to the fake Web API rather than freeze them in flight.
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

// pause stops the process with SIGSTOP and returns the function that
// continues it (SIGCONT), which is safe to call more than once. A process
// that has exited is left alone.
func (c *child) pause() (resume func()) {
	if c.exited() {
		return func() {}
	}
	_ = c.cmd.Process.Signal(syscall.SIGSTOP)
	var once sync.Once
	return func() {
		once.Do(func() {
			if !c.exited() {
				_ = c.cmd.Process.Signal(syscall.SIGCONT)
			}
		})
	}
}
