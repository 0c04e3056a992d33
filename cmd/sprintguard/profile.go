package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// profileEnv names the file a CPU profile of the whole run is written to,
// for benchmarks that run the binary as a child (bench/slackload
// -cpuprofile); unset, nothing is profiled.
const profileEnv = "SPRINTGUARD_CPUPROFILE"

// startProfile starts the CPU profile profileEnv asks for and returns the
// function that ends it. A profile that cannot start is reported on stderr
// and the command runs unprofiled: it is a measuring aid, never a reason
// to fail.
func startProfile() (stop func()) {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v; running without a profile\n", profileEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v; running without a profile\n", profileEnv, err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", profileEnv, err)
		}
	}
}
