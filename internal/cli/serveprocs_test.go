package cli

import (
	"io"
	"log/slog"
	"runtime"
	"testing"
)

func TestProcsSetting(t *testing.T) {
	tests := []struct {
		name       string
		gomaxprocs string
		runtime    int
		want       int
	}{
		{"nothing set, 2 CPUs", "", 2, 2 * serveProcsPerCPU},
		{"nothing set, a 1-CPU quota", "", 1, serveProcsPerCPU},
		{"GOMAXPROCS set: untouched", "2", 2, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := procsSetting(tc.gomaxprocs, tc.runtime); got != tc.want {
				t.Errorf("procsSetting(%q, %d) = %d, want %d", tc.gomaxprocs, tc.runtime, got, tc.want)
			}
		})
	}
}

func TestTuneProcsTwiceRaisesOnce(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })
	noEnv := func(string) string { return "" }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tuneProcs(noEnv, log)
	tuneProcs(noEnv, log)
	if got, want := runtime.GOMAXPROCS(0), startProcs*serveProcsPerCPU; got != want {
		t.Errorf("GOMAXPROCS after serve's tuning ran twice = %d, want %d (%d at start, %d per CPU)", got, want, startProcs, serveProcsPerCPU)
	}
}
