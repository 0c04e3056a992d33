package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// boltApp is the Bolt for JS app of the third phase, with its pinned
// dependencies; node_modules is installed from the lock file at run time,
// never committed.
//
//go:embed bolt/app.js bolt/package.json bolt/package-lock.json
var boltApp embed.FS

var boltFiles = []string{"app.js", "package.json", "package-lock.json"}

// errSkip marks a phase that cannot run on this machine (no node, no
// registry): the benchmark notes it and goes on.
var errSkip = errors.New("skipped")

// boltInstall copies the app into cacheRoot/bolt-HASH, HASH being that of
// its files, and runs `npm ci` there unless an earlier run finished it. It
// returns the directory to run `node app.js` in. An error wrapping errSkip
// means node or npm is missing or the install failed.
func boltInstall(ctx context.Context, cacheRoot string) (string, error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", fmt.Errorf("%w: no %s on PATH", errSkip, tool)
		}
	}
	h := sha256.New()
	for _, name := range boltFiles {
		b, err := boltApp.ReadFile("bolt/" + name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	dir := filepath.Join(cacheRoot, "bolt-"+hex.EncodeToString(h.Sum(nil))[:16])
	done := filepath.Join(dir, ".installed")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%w: %v", errSkip, err)
	}
	for _, name := range boltFiles {
		b, _ := boltApp.ReadFile("bolt/" + name)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", fmt.Errorf("%w: %v", errSkip, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w: npm ci in %s: %v: %s", errSkip, dir, err, lastLine(out))
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		return "", fmt.Errorf("%w: %v", errSkip, err)
	}
	return dir, nil
}

// boltCacheRoot is where the app is installed: the user's cache directory,
// so that npm fetches the packages once per machine, or the temporary
// directory when there is none.
func boltCacheRoot() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "sprintguard-bench")
	}
	return filepath.Join(os.TempDir(), "sprintguard-bench")
}

// boltWarmup is how long Bolt is sent events before the phase counts:
// node compiles its hot code while it runs, and the phase should measure
// Bolt, not V8's warm-up. serve's phase comes after the sustained one.
const boltWarmup = 2 * time.Second

// boltRun starts the app in dir on a free loopback port with the signing
// secret key, warms it up, sends it the same events as the other phases
// for dur, and stops it.
func boltRun(ctx context.Context, dir string, key []byte, gen events, first int64, dur time.Duration, senders int) (*outcome, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	cmd := exec.Command("node", "app.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+port, "SLACK_SIGNING_SECRET="+string(key))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: start node: %v", errSkip, err)
	}
	// exited is closed once Wait has returned, and with it the copying of
	// stderr: only then may stderr be read.
	exited := make(chan struct{})
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		ok := false
		for sc.Scan() {
			if !ok && strings.TrimSpace(sc.Text()) == "ready" {
				ok = true
				ready <- true
			}
		}
		if !ok {
			ready <- false
		}
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		close(exited)
	}()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			<-exited
			return nil, fmt.Errorf("%w: the Bolt app exited before it was ready: %s", errSkip, lastLine([]byte(stderr.String())))
		}
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("%w: the Bolt app was not ready after 30 s", errSkip)
	}
	s := &sender{url: "http://" + addr + "/slack/events", secret: key, client: newClient(senders), gen: gen}
	if warm := closedLoop(ctx, s, first, boltWarmup, senders); len(warm.acked) == 0 {
		return nil, fmt.Errorf("%w: the Bolt app acknowledged nothing while warming up: %s", errSkip, strings.Join(warm.samples, "; "))
	}
	return closedLoop(ctx, s, first, dur, senders), nil
}

// lastLine is the last non-empty line of out, for a one-line note.
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
