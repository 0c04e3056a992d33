// Command replay measures the replay backtest: it generates a Slack export
// of about -messages messages, replays it with the example config, and
// prints the wall time, throughput and peak memory. `make bench` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
)

func main() {
	messages := flag.Int("messages", 100000, "about how many messages the export holds")
	runs := flag.Int("runs", 3, "how many timed replays (the median is reported)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the replays to `FILE`")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*messages, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench replay:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(messages, runs int) error {
	dir, err := os.MkdirTemp("", "sprintguard-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	exportDir := filepath.Join(dir, "export")
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
	// Count only the replay's memory, not the generator's.
	resetPeakRSS()
	var times []time.Duration
	var res *replay.Result
	var dbSize int64
	for i := 0; i < runs; i++ {
		exp, err := slackexport.Open(exportDir)
		if err != nil {
			return err
		}
		start := time.Now()
		res, err = replay.Run(context.Background(), exp, replay.Options{Settings: st, Dir: filepath.Join(dir, fmt.Sprint("run", i))})
		took := time.Since(start)
		exp.Close()
		if err != nil {
			return err
		}
		times = append(times, took)
		if st, err := os.Stat(filepath.Join(dir, fmt.Sprint("run", i), "replay.db")); err == nil {
			dbSize = st.Size()
		}
	}
	med := median(times)
	fmt.Printf("replay: %d messages (%d top-level human in intake channels), %d requests\n",
		res.Messages, stats.IntakeTopLevelHuman, res.Requests())
	fmt.Printf("replay: throw-away store %.0f MiB\n", float64(dbSize)/(1<<20))
	fmt.Printf("replay: runs %v, median %v, %.0f messages/s, peak RSS %.0f MiB\n",
		times, med.Round(time.Millisecond), float64(res.Messages)/med.Seconds(), peakRSS())
	return nil
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
