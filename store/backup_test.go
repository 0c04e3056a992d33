package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// checkConsistent opens a backup and checks that it holds whole
// transactions: requests come in pairs, and every request is in the time
// index, the ticket index and the outbox exactly as it was written.
func checkConsistent(t *testing.T, path string) int {
	t.Helper()
	db := openAt(t, path, Options{ReadOnly: true})
	n := 0
	err := db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, t0.Add(24*365*time.Hour), func(r *triage.Request) error {
			n++
			byTicket, err := tx.RequestByTicket(r.Ticket.Key)
			if err != nil || byTicket.ID != r.ID {
				return fmt.Errorf("ticket index for request %d: %v, %v", r.ID, byTicket, err)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests != n || n%2 != 0 || st.QueuedJobs != n {
		t.Errorf("backup holds %d requests, %d in the time index, %d jobs: want equal and even", st.Requests, n, st.QueuedJobs)
	}
	return n
}

func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := openAt(t, filepath.Join(dir, "live.db"), Options{})
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var writeErr error
	written := make(chan struct{}, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := int64(1); ctx.Err() == nil; i += 2 {
			writeErr = db.Update(func(tx triage.Tx) error {
				for _, id := range []int64{i, i + 1} {
					r := testRequest(id, "team", t0.Add(time.Duration(id)*time.Second))
					r.Ticket.Key = fmt.Sprintf("REQ-%d", id)
					if err := tx.PutRequest(r); err != nil {
						return err
					}
					if _, err := tx.Enqueue(job(fmt.Sprintf("ticket:%d", id), t0)); err != nil {
						return err
					}
				}
				return nil
			})
			if writeErr != nil {
				return
			}
			select {
			case written <- struct{}{}:
			default:
			}
		}
	}()
	var counts []int
	for i := range 5 {
		<-written // each backup starts with the writer mid-flight
		if i%2 == 0 {
			path := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
			if err := db.Backup(path); err != nil {
				t.Fatal(err)
			}
			counts = append(counts, checkConsistent(t, path))
			continue
		}
		var buf bytes.Buffer
		n, err := db.WriteBackup(&buf)
		if err != nil || n != int64(buf.Len()) {
			t.Fatalf("WriteBackup = %d, %v; wrote %d", n, err, buf.Len())
		}
		path := filepath.Join(dir, fmt.Sprintf("stream-%d.db", i))
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		counts = append(counts, checkConsistent(t, path))
	}
	stop()
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	if counts[len(counts)-1] == 0 {
		t.Errorf("backups saw no requests: %v", counts)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestBackupRefusesItself(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := openAt(t, path, Options{})
	if err := db.Backup(path); err == nil {
		t.Error("Backup onto the store itself succeeded")
	}
	if err := db.Backup(filepath.Join(t.TempDir(), "no", "such", "dir.db")); err == nil {
		t.Error("Backup into a missing directory succeeded")
	}
}
