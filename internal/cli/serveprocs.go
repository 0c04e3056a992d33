package cli

import (
	"log/slog"
	"runtime"
)

// serveProcsPerCPU is how many Go processors (Ps) serve runs per CPU the
// runtime would use, when the environment does not set GOMAXPROCS.
//
// An acknowledgement's goroutine becomes runnable when the runtime polls
// the network, and a P polls it only when it has nothing else to run, or
// when the runtime's monitor finds it unpolled for 10 ms. With one P per
// CPU, processing (128 processors and 256 outbox workers, readied by the
// hundred when the writer commits) keeps every P's run queue full at 500
// events/s, so a request could wait that long before net/http read it,
// then in the global run queue behind them. With more Ps than CPUs one
// is usually idle and blocked in the poller, so it runs the connection's
// goroutine at once, and the kernel shares the CPUs among the threads
// from there. docs/performance.md, session 17, has the pairs.
const serveProcsPerCPU = 4

// procsSetting decides serve's GOMAXPROCS from the environment's
// GOMAXPROCS and the runtime's own choice (the CPUs, or the container's
// quota): -1 (keep) when GOMAXPROCS is set.
func procsSetting(gomaxprocs string, runtimeProcs int) int {
	if gomaxprocs != "" {
		return -1
	}
	return runtimeProcs * serveProcsPerCPU
}

// startProcs is the runtime's own GOMAXPROCS, read before serve raises
// it: procsSetting multiplies this, not the current value, so that serve
// started twice in one process (the tests do) does not raise it again.
var startProcs = runtime.GOMAXPROCS(0)

// tuneProcs applies procsSetting to this process and logs what it chose.
// Setting it stops the runtime from following a change of the container's
// CPU quota while serve runs; a restart picks up the new quota.
func tuneProcs(getenv func(string) string, log *slog.Logger) {
	n := procsSetting(getenv("GOMAXPROCS"), startProcs)
	if n < 0 {
		return
	}
	runtime.GOMAXPROCS(n)
	log.Info("Go processors raised for serve's acknowledgements (set GOMAXPROCS to choose otherwise)", "gomaxprocs", n)
}
