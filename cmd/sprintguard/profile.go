package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
)

// The variables that ask for profiles, for benchmarks that run the binary
// as a child (bench/slackload -cpuprofile, -memprofile); unset, nothing is
// profiled and no signal is caught.
const (
	// profileEnv names the file a CPU profile is written to.
	profileEnv = "SPRINTGUARD_CPUPROFILE"
	// memProfileEnv names the file the allocation profile ("allocs") is
	// written to.
	memProfileEnv = "SPRINTGUARD_MEMPROFILE"
	// windowEnv set to "signal" profiles a window of the run instead of
	// all of it: from SIGUSR1 to SIGUSR2, so that a benchmark can profile
	// one phase. The allocation profile is then written twice, at SIGUSR1
	// to FILE.base and at SIGUSR2 to FILE, and `go tool pprof -base
	// FILE.base FILE` shows the window's allocations alone.
	windowEnv = "SPRINTGUARD_PROFILE_WINDOW"
)

// startProfile starts the profiles the environment asks for and returns
// the function that ends them. A profile that cannot be written is
// reported on stderr and the command runs on: it is a measuring aid, never
// a reason to fail.
func startProfile() (stop func()) {
	p := &profiler{cpuPath: os.Getenv(profileEnv), memPath: os.Getenv(memProfileEnv), window: os.Getenv(windowEnv) == "signal"}
	if p.cpuPath == "" && p.memPath == "" {
		return func() {}
	}
	if !p.window {
		p.begin()
		return p.end
	}
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case s := <-sig:
				if s == syscall.SIGUSR1 {
					p.begin()
				} else {
					p.end()
				}
			case <-quit:
				return
			}
		}
	})
	return func() {
		signal.Stop(sig)
		close(quit)
		wg.Wait()
		p.end()
	}
}

// profiler runs one window of profiling; it is used from one goroutine at
// a time.
type profiler struct {
	cpuPath, memPath string
	window           bool // from SIGUSR1 to SIGUSR2 (windowEnv), not the whole run
	cpu              *os.File
	started, ended   bool
}

// begin starts the window once: the CPU profile, and the base of the
// allocation profile when only a window is profiled.
func (p *profiler) begin() {
	if p.started {
		return
	}
	p.started = true
	if p.memPath != "" && p.window {
		writeAllocs(p.memPath + ".base")
	}
	if p.cpuPath == "" {
		return
	}
	f, err := os.Create(p.cpuPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v; running without a CPU profile\n", profileEnv, err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v; running without a CPU profile\n", profileEnv, err)
		f.Close()
		return
	}
	p.cpu = f
}

// end closes the window once, if it was begun.
func (p *profiler) end() {
	if !p.started || p.ended {
		return
	}
	p.ended = true
	if p.cpu != nil {
		pprof.StopCPUProfile()
		if err := p.cpu.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", profileEnv, err)
		}
	}
	if p.memPath != "" {
		writeAllocs(p.memPath)
	}
}

// writeAllocs writes the allocation profile to path, after a collection:
// the profile counts what the last completed cycle saw.
func writeAllocs(path string) {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", memProfileEnv, err)
		return
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", memProfileEnv, err)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", memProfileEnv, err)
	}
}
