package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"
)

// classifyBenchLines are JSON lines as `classify` reads them on stdin: the
// example rules' own test cases, each with its team and time, repeated to n
// lines so that the stream, not the config load, dominates.
func classifyBenchLines(b *testing.B, n int) []byte {
	b.Helper()
	tf, err := readRulesTest(repo("examples", "rules_test.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := 0; i < n; i++ {
		in := tf.Cases[i%len(tf.Cases)].classifyLine
		if in.Team == "" {
			in.Team = tf.Team
		}
		if in.At == "" {
			in.At = tf.At
		}
		if err := enc.Encode(in); err != nil {
			b.Fatal(err)
		}
	}
	return buf.Bytes()
}

// BenchmarkClassifyStream is `classify --json` over JSON lines on stdin,
// through Main as the binary runs it; lines/s is the figure to compare.
func BenchmarkClassifyStream(b *testing.B) {
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"json", []string{"classify", "--json", "--config", repo("examples", "sprintguard.yaml")}},
		{"text", []string{"classify", "--config", repo("examples", "sprintguard.yaml")}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			const lines = 20000
			input := classifyBenchLines(b, lines)
			b.ReportAllocs()
			b.SetBytes(int64(len(input)))
			// The binary writes to a file or a pipe, where every unbuffered
			// write is a system call; /dev/null keeps that cost in.
			devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer devNull.Close()
			for b.Loop() {
				var errb bytes.Buffer
				env := Env{Stdin: bytes.NewReader(input), Stdout: devNull, Stderr: &errb,
					Getenv: func(string) string { return "" },
					Now:    func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) }}
				if code := Main(context.Background(), mode.args, env); code != ExitOK {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
			b.ReportMetric(float64(b.N*lines)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
