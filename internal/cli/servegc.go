package cli

import (
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// serve's garbage collector, when the environment does not tune it.
//
// Under a burst of Slack events most of serve's allocations live for one
// acknowledgement or one request's processing, and with Go's default
// (GOGC=100) the collector ran about every 40 MiB of allocation: 5% of
// serve's CPU in the burst, 8% over a whole load test. Letting the heap
// grow to five times what is live (GOGC=400) cuts that to under 2%, for
// about 120 MiB more heap in the benchmark (docs/performance.md, session
// 10). The soft memory limit keeps that growth bounded: as the Go
// runtime's memory nears it, the collector runs as often as it must to
// stay under it, as with GOGC=100 and below, whatever GOGC says.
const (
	serveGCPercent = 400
	// serveMemoryLimit is the soft limit when neither GOMEMLIMIT nor a
	// cgroup limit says otherwise.
	serveMemoryLimit int64 = 512 << 20
)

// cgroupMemoryMax is where cgroup v2 shows the container's memory limit.
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// gcSettings decides serve's collector settings from the environment's
// GOGC and GOMEMLIMIT and the cgroup's memory.max (nil when unreadable).
// A variable that is set wins: percent is -1 (keep) when GOGC is set,
// limit -1 (keep) when GOMEMLIMIT is. The default limit is
// serveMemoryLimit, or three quarters of the cgroup's limit when that is
// lower, so that the collector works harder well before an OOM kill.
// When GOGC is set, the limit is left alone too: whoever chose GOGC chose
// the trade.
func gcSettings(gogc, gomemlimit string, cgroupMax []byte) (percent int, limit int64) {
	if gogc != "" {
		return -1, -1
	}
	percent, limit = serveGCPercent, -1
	if gomemlimit != "" {
		return percent, limit
	}
	limit = serveMemoryLimit
	if n, err := strconv.ParseInt(strings.TrimSpace(string(cgroupMax)), 10, 64); err == nil && n > 0 {
		limit = min(limit, n/4*3)
	}
	return percent, limit
}

// tuneGC applies gcSettings to this process and logs what it chose.
func tuneGC(getenv func(string) string, log *slog.Logger) {
	cg, _ := os.ReadFile(cgroupMemoryMax)
	percent, limit := gcSettings(getenv("GOGC"), getenv("GOMEMLIMIT"), cg)
	if percent < 0 {
		return
	}
	debug.SetGCPercent(percent)
	if limit >= 0 {
		debug.SetMemoryLimit(limit)
	}
	log.Info("garbage collector tuned for serve (set GOGC or GOMEMLIMIT to choose otherwise)",
		"gogc", percent, "memory_limit_mib", debug.SetMemoryLimit(-1)>>20)
}
