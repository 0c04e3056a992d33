package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/cli"
	"github.com/sprintguard/sprintguard/internal/synthtext"
)

// evalCommand times `sprintguard rules eval FILE` itself over n labelled
// requests in a JSONL file: reading and checking the file, and scoring
// the example config's rules on it. learn's BenchmarkEvaluate100k times
// the scoring alone.
func evalCommand(n int) error {
	dir, err := os.MkdirTemp("", "bench-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r := rand.New(rand.NewPCG(7, 8))
	z := synthtext.Zipf(r)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range n {
		t := r.IntN(len(synthtext.Topics))
		rec := map[string]string{"id": fmt.Sprint("b", i), "text": synthtext.Text(r, z, t), "urgency": synthtext.Topics[t].Urgency, "category": synthtext.Topics[t].Category}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	labels := filepath.Join(dir, "labels.jsonl")
	if err := os.WriteFile(labels, buf.Bytes(), 0o600); err != nil {
		return err
	}
	config := filepath.Join(dir, "sprintguard.yaml")
	if err := os.WriteFile(config, examples.Config, 0o600); err != nil {
		return err
	}
	var out, errs bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Now: time.Now}
	start, c0 := time.Now(), cpu()
	code := cli.Main(context.Background(), []string{"rules", "eval", "--config", config, "--format", "json", labels}, env)
	wall, used := time.Since(start), cpu()-c0
	if code != cli.ExitOK {
		return fmt.Errorf("rules eval: exit %d: %s", code, errs.String())
	}
	fmt.Printf("rules eval command: %d labelled requests in a %.1f MiB JSONL file in %v, CPU %v (bar 2s)\n",
		n, float64(buf.Len())/(1<<20), wall.Round(time.Millisecond), used.Round(time.Millisecond))
	return nil
}
