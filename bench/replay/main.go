// Command replay measures the replay backtest: it generates a Slack export
// of about -messages messages, replays it with the example config, and
// prints the wall time, throughput and peak memory (RSS) of each path:
// -paths memory,db compares the in-memory replay with --db's durable one.
// `make bench` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/exportgen"
	"github.com/sprintguard/sprintguard/replay"
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

func main() {
	messages := flag.Int("messages", 100000, "about how many messages the export holds")
	runs := flag.Int("runs", 3, "how many timed replays (the median is reported)")
	paths := flag.String("paths", "memory", "which replay paths to measure, in order: memory (the default path), db (--db, the durable store), or memory,db")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the replays to `FILE`")
	flag.StringVar(&memprofile, "memprofile", "", "write a heap profile, taken when the last replay returns, to `FILE`")
	flag.StringVar(&keepExport, "keep-export", "", "generate the export into `DIR` (new) and keep it, to replay it with the CLI too")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*messages, *runs, *paths); err != nil {
		fmt.Fprintln(os.Stderr, "bench replay:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

var memprofile, keepExport string

func run(messages, runs int, paths string) error {
	dir, err := os.MkdirTemp("", "sprintguard-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	exportDir := filepath.Join(dir, "export")
	if keepExport != "" {
		exportDir = keepExport
	}
	weeks := 52
	stats, err := exportgen.Generate(exportgen.Options{Seed: 7, Start: time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC),
		Weeks: weeks, MessagesPerDay: perDay(messages, weeks), Dir: exportDir})
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	cfg, err := config.Parse("examples/sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		return err
	}
	st, err := app.Settings(cfg)
	if err != nil {
		return err
	}
	for _, path := range strings.Split(paths, ",") {
		if err := measure(path, exportDir, filepath.Join(dir, "db"), st, runs, stats); err != nil {
			return err
		}
	}
	return nil
}

// measure times runs replays on one path, "memory" (the default) or "db"
// (the durable store, as with --db), and prints the median and the peak RSS.
func measure(path, exportDir, dbDir string, st *triage.Settings, runs int, stats exportgen.Stats) error {
	if path != "memory" && path != "db" {
		return fmt.Errorf("-paths: %q is not memory or db", path)
	}
	// Count only this path's memory: not the generator's, nor the last path's.
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	var times, cpus []time.Duration
	var allocs []allocated
	var res *replay.Result
	var dbSize int64
	for i := 0; i < runs; i++ {
		exp, err := slackexport.Open(exportDir)
		if err != nil {
			return err
		}
		opt := replay.Options{Settings: st}
		if path == "db" {
			opt.DB = filepath.Join(dbDir, fmt.Sprintf("run%d.db", i))
			if err := os.MkdirAll(dbDir, 0o700); err != nil {
				return err
			}
		}
		res = nil // one result alive at a time, as in the CLI
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		start, cpu0 := time.Now(), cpuTime()
		res, err = replay.Run(context.Background(), exp, opt)
		took := time.Since(start)
		cpus = append(cpus, cpuTime()-cpu0)
		runtime.ReadMemStats(&ms1)
		allocs = append(allocs, allocated{ms1.TotalAlloc - ms0.TotalAlloc, ms1.Mallocs - ms0.Mallocs, ms1.NumGC - ms0.NumGC})
		exp.Close()
		if memprofile != "" && i == runs-1 {
			if f, err := os.Create(memprofile); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
		if err != nil {
			return err
		}
		times = append(times, took)
		if fi, err := os.Stat(opt.DB); err == nil {
			dbSize = fi.Size()
			os.Remove(opt.DB)
		}
	}
	med := median(times)
	fmt.Printf("replay %s: %d messages (%d top-level human in intake channels), %d requests\n",
		path, res.Messages, stats.IntakeTopLevelHuman, res.Requests())
	if path == "db" {
		fmt.Printf("replay %s: store file %.0f MiB\n", path, float64(dbSize)/(1<<20))
	}
	// CPU time is the steadier figure on a shared machine: wall time
	// counts the other processes' turns too.
	fmt.Printf("replay %s: runs %v, median %.2f s wall, %.2f s CPU, %.0f messages/s, peak RSS %.0f MiB\n",
		path, roundAll(times), med.Seconds(), median(cpus).Seconds(), float64(res.Messages)/med.Seconds(), peakRSS())
	// What a replay allocates barely moves with the load, unlike its
	// times: the figure to compare builds by when the machine is busy.
	a := allocs[len(allocs)-1]
	fmt.Printf("replay %s: last run allocated %.0f MB in %.2fM objects, %d GC cycles\n",
		path, float64(a.bytes)/1e6, float64(a.objects)/1e6, a.cycles)
	return nil
}

// allocated is what one replay allocated, and the GC cycles it took.
type allocated struct {
	bytes, objects uint64
	cycles         uint32
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

// perDay converts a message total into the generator's rate of intake
// requests a day, from the mix the generator writes (about 1.6 messages per
// request once replies, joins and bots are counted).
func perDay(messages, weeks int) float64 {
	return float64(messages) / 1.6 / float64(weeks*7)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS restarts the kernel's peak-RSS count (VmHWM) for this process.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS returns VmHWM in MiB, or the rusage figure where /proc has none.
func peakRSS() float64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				var kb float64
				fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
				return kb / 1024
			}
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024
}
