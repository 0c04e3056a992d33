package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestStatCPU(t *testing.T) {
	// A command name with a space and a parenthesis, then state, ppid, ...
	// utime 250 and stime 130 ticks.
	const stat = "4242 (serve (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 130 0 0 20 0 12 0 100 0 0"
	got, ok := statCPU(stat)
	if !ok || got != 3800*time.Millisecond {
		t.Errorf("statCPU = %v, %v; want 3.8s, true", got, ok)
	}
	for _, bad := range []string{"", "4242 serve S 1", "4242 (serve) S 1 2 3"} {
		if _, ok := statCPU(bad); ok {
			t.Errorf("statCPU(%q) read a time", bad)
		}
	}
}

// TestPause checks that pause stops the process and its resume continues
// it, as the process's state in /proc shows.
func TestPause(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep to run:", err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
	})
	state := func() string {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
		if err != nil {
			t.Skip("no /proc:", err)
		}
		s := string(b)
		return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[0]
	}
	// The state changes once the kernel has delivered the signal.
	waitFor := func(want string) {
		t.Helper()
		for range 100 {
			if state() == want {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("state %s, want %s", state(), want)
	}
	resume := c.pause()
	waitFor("T")
	resume()
	resume()
	waitFor("S")
}
