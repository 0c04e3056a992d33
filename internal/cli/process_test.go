package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// buildBinary builds sprintguard once per test binary for the tests that
// run it as a separate process; the build is shared because linking it
// takes seconds each time on a loaded machine.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "sprintguard-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		built.path = filepath.Join(dir, "sprintguard")
		cmd := exec.Command("go", "build", "-o", built.path, "github.com/sprintguard/sprintguard/cmd/sprintguard")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// built is the binary buildBinary made; TestMain removes its folder.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// exampleSettings is the settings of the example config, with no
// environment.
func exampleSettings(t *testing.T) *triage.Settings {
	t.Helper()
	st, err := app.ExampleSettings()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// exampleService is triage over a new store at path with the example
// config, its clock stopped at Tuesday 2026-11-17 16:00 UTC; done closes
// the store, which the commands under test must then be able to open.
func exampleService(t *testing.T, path string) (svc *triage.Service, st *triage.Settings, done func()) {
	t.Helper()
	st = exampleSettings(t)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC)
	return triage.NewService(db, st, func() time.Time { return at }), st, func() { db.Close() }
}

// seedStore writes n requests into a new database at path.
func seedStore(t *testing.T, path string, n int) {
	t.Helper()
	svc, _, done := exampleService(t, path)
	defer done()
	for i := 0; i < n; i++ {
		_, err := svc.Intake(context.Background(), triage.NewRequest{Team: "platform", Channel: "C0PLATHELP",
			ChannelName: "platform-help", User: fmt.Sprintf("U%03d", i), Summary: fmt.Sprintf("need access to bucket %d", i),
			TS: fmt.Sprintf("1763395200.%06d", i)})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func countRequests(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	n := 0
	if err := db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), func(*triage.Request) error {
			n++
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// startServe runs `sprintguard serve` in Socket Mode against a Slack fake,
// on a config in dir, and waits until it says it is serving.
func startServe(t *testing.T, bin, dir string) *exec.Cmd {
	t.Helper()
	fake := slackfake.New(t)
	cfgPath := storeConfig(t, dir)
	data, _ := os.ReadFile(cfgPath)
	text := strings.Replace(string(data), `listen: ":8080"`, `listen: "127.0.0.1:0"`, 1)
	text = strings.Replace(text, "api_url: https://slack.com/api/", "api_url: "+fake.APIURL(), 1)
	cfgPath = writeFile(t, dir, "sprintguard.yaml", text)
	cmd := exec.Command(bin, "serve", "--config", cfgPath)
	cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN=xoxb-test", "SLACK_APP_TOKEN=xapp-test")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan struct{})
	var seen strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "sprintguard serving") {
				close(ready)
				break
			}
			seen.WriteString(sc.Text() + "\n")
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start within 60s; it said:\n%s", seen.String())
	}
	return cmd
}

// TestBackupWhileServing is the acceptance test of the store's locking:
// a second process is refused quickly, and backup asks the running one.
func TestBackupWhileServing(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "sg.db")
	seedStore(t, dbPath, 25)
	cmd := startServe(t, bin, dir)

	start := time.Now()
	_, err := store.Open(dbPath, store.Options{Timeout: time.Second})
	took := time.Since(start)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), dbPath) {
		t.Fatalf("second open: %v, want ErrLocked naming %s", err, dbPath)
	}
	// A failure bound, not a timing: without the 1 s Timeout the open
	// would wait for the lock until serve stops.
	if took > 20*time.Second {
		t.Errorf("second open took %v to fail, want it to give up after its 1s timeout", took)
	}

	dst := filepath.Join(t.TempDir(), "backup.db")
	code, out, errs := run(t, "backup", dst, "--config", filepath.Join(dir, "sprintguard.yaml"))
	if code != ExitOK || !strings.Contains(out, "from the running process") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errs)
	}
	if n := countRequests(t, dst); n != 25 {
		t.Errorf("backup holds %d requests, want 25", n)
	}

	// Once the bot stops, backup opens the file itself.
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	dst2 := filepath.Join(t.TempDir(), "backup2.db")
	code, out, errs = run(t, "backup", dst2, "--config", filepath.Join(dir, "sprintguard.yaml"))
	if code != ExitOK || !strings.Contains(out, "from the file") || countRequests(t, dst2) != 25 {
		t.Errorf("backup of a stopped bot: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(dbPath + ".sock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("control socket left behind after SIGTERM: %v", err)
	}
}
