// Command classify measures `sprintguard classify` on JSON lines from
// stdin, the way a user scores a file of requests: it generates a Slack
// export, writes its top-level human messages as about -lines JSON lines
// (text, channel, user and time, so that each is routed to its team and
// its business hours), pipes them through the built binary -runs times,
// and prints the median lines per second. `make bench` and scripts/perf.sh
// run it.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/internal/exportgen"
	"github.com/sprintguard/sprintguard/slackexport"
)

func main() {
	bin := flag.String("bin", "bin/sprintguard", "the sprintguard binary to run `classify` from")
	config := flag.String("config", "examples/sprintguard.yaml", "the config whose rules classify")
	lines := flag.Int("lines", 200000, "how many JSON lines to classify per run")
	runs := flag.Int("runs", 3, "how many timed runs (the median is reported)")
	flag.Parse()
	if err := run(*bin, *config, *lines, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench classify:", err)
		os.Exit(1)
	}
}

// line is one classify input; its fields are those classify reads.
type line struct {
	Text    string `json:"text"`
	Channel string `json:"channel"`
	User    string `json:"user"`
	At      string `json:"at"`
}

func run(bin, config string, lines, runs int) error {
	if lines <= 0 || runs <= 0 {
		return fmt.Errorf("-lines and -runs must be positive")
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("no binary to run (make build first): %w", err)
	}
	dir, err := os.MkdirTemp("", "sprintguard-bench-classify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	input := filepath.Join(dir, "lines.jsonl")
	n, err := writeLines(filepath.Join(dir, "export"), input, lines)
	if err != nil {
		return err
	}
	var times, cpus []time.Duration
	for range runs {
		took, cpu, err := classify(bin, config, input)
		if err != nil {
			return err
		}
		times, cpus = append(times, took), append(cpus, cpu)
	}
	// On a shared machine the wall time says as much about the neighbours
	// as about the code; the CPU time less so.
	fmt.Printf("classify: %d JSON lines on stdin, runs %v, median %v, %.0f lines/s; median CPU %v, %.0f lines per CPU second\n",
		n, times, median(times).Round(time.Millisecond), float64(n)/median(times).Seconds(),
		median(cpus).Round(time.Millisecond), float64(n)/median(cpus).Seconds())
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// writeLines generates an export and writes its top-level human messages
// to path as JSON lines, over and over until there are want of them.
func writeLines(exportDir, path string, want int) (int, error) {
	if _, err := exportgen.Generate(exportgen.Options{Seed: 11, Start: time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC),
		Weeks: 8, MessagesPerDay: 60, Dir: exportDir}); err != nil {
		return 0, fmt.Errorf("generate: %w", err)
	}
	exp, err := slackexport.Open(exportDir)
	if err != nil {
		return 0, err
	}
	defer exp.Close()
	var msgs [][]byte
	if _, err := exp.Walk(func(m slackexport.Message) error {
		if !exp.IsTopLevelHuman(m) || strings.TrimSpace(m.Text) == "" {
			return nil
		}
		b, err := json.Marshal(line{Text: m.Text, Channel: m.Channel, User: m.User, At: m.Time.Format(time.RFC3339)})
		msgs = append(msgs, b)
		return err
	}); err != nil {
		return 0, fmt.Errorf("read export: %w", err)
	}
	if len(msgs) == 0 {
		return 0, fmt.Errorf("the generated export has no human messages")
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	for i := range want {
		w.Write(msgs[i%len(msgs)])
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return want, f.Close()
}

// classify pipes the file at input through `bin classify --json` and
// returns the wall time and the CPU time (user and system) the process
// used; the output is counted, not kept.
func classify(bin, config, input string) (wall, cpu time.Duration, err error) {
	in, err := os.Open(input)
	if err != nil {
		return 0, 0, err
	}
	defer in.Close()
	cmd := exec.Command(bin, "classify", "--json", "--config", config)
	cmd.Stdin = in
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("start classify: %w", err)
	}
	n, _ := io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return 0, 0, fmt.Errorf("classify: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	wall = time.Since(start)
	if n == 0 {
		return 0, 0, fmt.Errorf("classify printed nothing")
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}
