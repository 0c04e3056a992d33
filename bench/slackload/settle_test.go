package main

import (
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
