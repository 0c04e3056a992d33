package cli

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/testlog"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
)

// TestShutdownClosesTheStoreAfterTheSweeper stops serve while its
// scheduler is in a pass whose sweep writes once the stop has begun, as
// the escalation sweeper did: serve must wait for that write before it
// closes the store, and the write must reach the file. Serve used to close
// the store while the scheduler still ran, and such a write failed with
// "the store's writer is closed".
func TestShutdownClosesTheStoreAfterTheSweeper(t *testing.T) {
	dir := t.TempDir()
	_, cfg := httpConfig(t, dir, slackfake.New(t))
	vars := map[string]string{"SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": e2eSecret, "JIRA_API_TOKEN": jirafake.Token}
	logs := &testlog.Buffer{}
	entered, release, wrote := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	stopAt := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs,
		Getenv: func(k string) string { return vars[k] }, Now: time.Now,
		sweep: func(ctx context.Context, db triage.Store) (int, error) {
			once.Do(func() {
				close(entered)
				<-ctx.Done()
				<-release
				wrote <- db.Update(func(tx triage.Tx) error { return tx.SetLastRun("shutdown-test", stopAt) })
			})
			return 0, nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	var exit int
	done := make(chan struct{})
	go func() { exit = Main(ctx, []string{"serve", "--config", cfg, "--log-format", "text"}, env); close(done) }()
	letGo := sync.OnceFunc(func() { close(release) })
	t.Cleanup(func() { cancel(); letGo(); <-done })

	select {
	case <-entered: // the scheduler's first pass is in the sweep
	case <-done:
		t.Fatalf("serve exited %d before its scheduler's first pass:\n%s", exit, logs.String())
	}
	cancel()
	// Serve says when only the background work keeps the store open;
	// before this fix it closed the store and returned instead.
	for !strings.Contains(logs.String(), "waiting for the background work to stop") {
		select {
		case <-done:
			letGo()
			t.Fatalf("serve exited %d while its scheduler was still in a pass (the sweep's write: %v):\n%s", exit, <-wrote, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	letGo()
	if err := <-wrote; err != nil {
		t.Fatalf("the sweep's write during the stop: %v", err)
	}
	if <-done; exit != ExitOK {
		t.Fatalf("serve exited %d:\n%s", exit, logs.String())
	}
	db, err := store.Open(filepath.Join(dir, "sg.db"), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var at time.Time
	if err := db.View(func(tx triage.Tx) (err error) { at, _, err = tx.LastRun("shutdown-test"); return err }); err != nil {
		t.Fatal(err)
	}
	if !at.Equal(stopAt) {
		t.Fatalf("the sweep's write is not in the store: last run %v, want %v", at, stopAt)
	}
}
