package store

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

func TestOpenWritesSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got := rawVersion(t, path); got != SchemaVersion {
		t.Errorf("schema version on disk = %d, want %d", got, SchemaVersion)
	}
	if got := openAt(t, path, Options{ReadOnly: true}).Path(); got != path {
		t.Errorf("Path() = %q, want %q", got, path)
	}
}

func TestMigrationsMatchSchemaVersion(t *testing.T) {
	if len(migrations) != SchemaVersion {
		t.Errorf("%d migrations for schema version %d: every version needs exactly one", len(migrations), SchemaVersion)
	}
}

func rawVersion(t *testing.T, path string) uint64 {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var v uint64
	_ = b.View(func(tx *bolt.Tx) error { v = schemaVersion(tx); return nil })
	return v
}

// writeRaw makes a bbolt file with fn, bypassing Open's migrations.
func writeRaw(t *testing.T, fn func(*bolt.Tx) error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "raw.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := writeRaw(t, func(tx *bolt.Tx) error {
		m, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return m.Put(keySchemaVersion, u64(SchemaVersion+1))
	})
	for _, ro := range []bool{false, true} {
		t.Run(fmt.Sprintf("readonly=%v", ro), func(t *testing.T) {
			db, err := Open(path, Options{ReadOnly: ro})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded on a newer schema")
			}
			if !errors.Is(err, ErrNewerSchema) {
				t.Errorf("err = %v, want ErrNewerSchema", err)
			}
			want := fmt.Sprintf("store %s has schema version %d, but this sprintguard knows versions up to %d: "+
				"upgrade sprintguard to a version that knows schema %d", path, SchemaVersion+1, SchemaVersion, SchemaVersion+1)
			if err.Error() != want {
				t.Errorf("message:\n got %s\nwant %s", err, want)
			}
		})
	}
	if got := rawVersion(t, path); got != SchemaVersion+1 {
		t.Errorf("refused open changed the version to %d", got)
	}
}

func TestOpenMigratesV0(t *testing.T) {
	r := testRequest(7, "platform", t0)
	r.Ticket = triage.Ticket{Key: "REQ-7"}
	r.Channel, r.TS = "C1", "1700000000.000100"
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// A file from before the meta bucket: requests only, no indexes.
	path := writeRaw(t, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketRequests)
		if err != nil {
			return err
		}
		if err := b.SetSequence(7); err != nil {
			return err
		}
		return b.Put(idKey(7), data)
	})

	_, err = Open(path, Options{ReadOnly: true})
	if !errors.Is(err, ErrNeedsMigration) || !strings.Contains(err.Error(), path) {
		t.Errorf("read-only open of v0: err = %v, want ErrNeedsMigration naming the file", err)
	}

	db := openAt(t, path, Options{})
	if got := rawVersionOpen(t, db); got != SchemaVersion {
		t.Errorf("version after migration = %d, want %d", got, SchemaVersion)
	}
	err = db.Update(func(tx triage.Tx) error {
		byTicket, err := tx.RequestByTicket("REQ-7")
		if err != nil || byTicket.ID != 7 {
			return fmt.Errorf("RequestByTicket = %v, %v", byTicket, err)
		}
		byMsg, err := tx.RequestByMessage("C1", "1700000000.000100")
		if err != nil || byMsg.ID != 7 {
			return fmt.Errorf("RequestByMessage = %v, %v", byMsg, err)
		}
		if next, err := tx.NextRequestID(); err != nil || next != 8 {
			return fmt.Errorf("NextRequestID = %d, %v; want 8", next, err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	if got := ids(t, db, "platform", t0, t0.Add(time.Hour)); len(got) != 1 || got[0] != 7 {
		t.Errorf("Requests after migration = %v, want [7]", got)
	}
	if got := openIDs(t, db, "platform"); len(got) != 1 {
		t.Errorf("OpenRequests after migration = %v, want [7]", got)
	}
}

func rawVersionOpen(t *testing.T, db *DB) uint64 {
	t.Helper()
	var v uint64
	_ = db.bolt.View(func(tx *bolt.Tx) error { v = schemaVersion(tx); return nil })
	return v
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := openAt(t, path, Options{})
	put(t, db, testRequest(1, "a", t0))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro := openAt(t, path, Options{ReadOnly: true})
	if got := ids(t, ro, "a", t0, t0.Add(time.Second)); len(got) != 1 {
		t.Errorf("read-only store sees %v, want [1]", got)
	}
	err := ro.Update(func(tx triage.Tx) error { return tx.PutRequest(testRequest(2, "a", t0)) })
	if !errors.Is(err, bolt.ErrDatabaseReadOnly) {
		t.Errorf("Update on a read-only store: err = %v, want ErrDatabaseReadOnly", err)
	}
}

// openWithDeadline opens path in a goroutine and fails the test if Open is
// still blocked long after its timeout, instead of hanging the test run.
func openWithDeadline(t *testing.T, path string, opt Options) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		db, err := Open(path, opt)
		if err == nil {
			db.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(opt.Timeout + 10*time.Second):
		t.Fatalf("Open of a locked store still blocked %v after its %v timeout", 10*time.Second, opt.Timeout)
		return nil
	}
}

func checkLockedError(t *testing.T, path string, err error) {
	t.Helper()
	if !errors.Is(err, ErrLocked) || !errors.Is(err, bolt.ErrTimeout) {
		t.Fatalf("err = %v, want ErrLocked wrapping bolt.ErrTimeout", err)
	}
	want := "store " + path + " is in use by another process (is `sprintguard serve` running? " +
		"stop it, or use `sprintguard backup`, which asks the running process)"
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
}

func TestOpenLockedInSameProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	openAt(t, path, Options{})
	for _, ro := range []bool{false, true} {
		t.Run(fmt.Sprintf("readonly=%v", ro), func(t *testing.T) {
			err := openWithDeadline(t, path, Options{Timeout: 200 * time.Millisecond, ReadOnly: ro})
			checkLockedError(t, path, err)
		})
	}
}

const helperEnv = "SPRINTGUARD_STORE_HELPER_DB"

// TestHelperProcess is not a test: run by TestOpenLockedByAnotherProcess in
// a child process, it holds the store open until its stdin closes.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	db, err := Open(path, Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	db.Close()
	os.Exit(0)
}

func TestOpenLockedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the helper exits when its stdin closes
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper process: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper said %q (%v), want ready", line, err)
	}
	err = openWithDeadline(t, path, Options{Timeout: 500 * time.Millisecond})
	checkLockedError(t, path, err)
}

func TestOpenErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a bolt file ", 1024)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		opt  Options
	}{
		{"not a database", garbage, Options{}},
		{"missing, read-only", filepath.Join(dir, "missing.db"), Options{ReadOnly: true}},
		{"missing directory", filepath.Join(dir, "no", "such", "dir.db"), Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(tc.path, tc.opt)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("err = %v, want it to name %s", err, tc.path)
			}
		})
	}
}
