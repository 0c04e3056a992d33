package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/triage"
)

// replicas opens n DBs on one fresh schema, closed at cleanup.
func replicas(t testing.TB, n int, opt postgres.Options) []*postgres.DB {
	t.Helper()
	url := pgtest.Schema(t)
	out := make([]*postgres.DB, n)
	for i := range out {
		db, err := postgres.Open(context.Background(), url, opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out[i] = db
	}
	return out
}

// TestUpdateRetriesLostRace makes replica a lose a race for a ledger to
// replica b: a's Update must run fn again on the new ledger, so that
// neither charge is lost.
func TestUpdateRetriesLostRace(t *testing.T) {
	dbs := replicas(t, 2, postgres.Options{})
	a, b := dbs[0], dbs[1]
	storetest.MustUpdate(t, a, func(tx triage.Tx) error {
		return tx.PutLedger(sprint.NewLedger("platform", 1, sprint.Budget{Capacity: 100, Fraction: 1}))
	})
	charge := func(tx triage.Tx, id string) error {
		l, err := tx.Ledger("platform", 1)
		if err != nil {
			return err
		}
		l.Reserve(id, 1, storetest.T0)
		return tx.PutLedger(l)
	}
	var runs atomic.Int32
	read, bDone := make(chan struct{}), make(chan error)
	go func() {
		<-read
		bDone <- b.Update(func(tx triage.Tx) error { return charge(tx, "b") })
	}()
	err := a.Update(func(tx triage.Tx) error {
		l, err := tx.Ledger("platform", 1)
		if err != nil {
			return err
		}
		if runs.Add(1) == 1 {
			// b commits a change to the ledger a has read.
			close(read)
			if err := <-bDone; err != nil {
				t.Errorf("replica b: %v", err)
			}
		}
		l.Reserve("a", 1, storetest.T0)
		return tx.PutLedger(l)
	})
	if err != nil {
		t.Fatalf("replica a: %v", err)
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("a's fn ran %d times, want 2 (the lost race, then the retry)", n)
	}
	_ = a.View(func(tx triage.Tx) error {
		l, err := tx.Ledger("platform", 1)
		if err != nil || len(l.Charges) != 2 {
			t.Errorf("ledger = %+v, %v; want the charges of a and b", l, err)
		}
		return nil
	})
}

// TestUpdateGivesUpAtTheTimeout checks that a transaction that cannot
// commit fails within Options.Timeout with the database's reason.
func TestUpdateGivesUpAtTheTimeout(t *testing.T) {
	dbs := replicas(t, 2, postgres.Options{Timeout: 300 * time.Millisecond})
	a, b := dbs[0], dbs[1]
	storetest.Enqueue(t, a, storetest.Job("j", storetest.T0))
	// b holds the job's row lock while a tries to complete it.
	ctx := context.Background()
	tx, err := b.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT * FROM jobs FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	var jobs []*triage.Job
	_ = a.View(func(tx triage.Tx) error { jobs, _ = tx.DueJobs(storetest.T0, 0); return nil })
	if len(jobs) != 0 {
		t.Fatalf("DueJobs handed out a job whose row another replica has locked: %v", jobs)
	}
	start := time.Now()
	err = a.Update(func(tx triage.Tx) error {
		return tx.CompleteJob(&triage.Job{ID: 1, Key: "j"})
	})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Update against a locked row: %v, want the deadline", err)
	}
	// A failure bound, not a timing: without the timeout the Update
	// would wait for the row until the other transaction ends.
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("Update gave up after %v, want it to give up after the 300ms timeout", took)
	}
}

// TestDueJobsInUpdateLeases checks the lease taken inside an Update,
// which commits with the Update.
func TestDueJobsInUpdateLeases(t *testing.T) {
	dbs := replicas(t, 2, postgres.Options{})
	a, b := dbs[0], dbs[1]
	storetest.Enqueue(t, a, storetest.Job("j1", storetest.T0))
	storetest.MustUpdate(t, a, func(tx triage.Tx) error {
		jobs, err := tx.DueJobs(storetest.T0, 0)
		if err == nil && len(jobs) != 1 {
			t.Errorf("a took %d jobs, want 1", len(jobs))
		}
		return err
	})
	if got := storetest.DueKeys(t, b, storetest.T0, 0); len(got) != 0 {
		t.Errorf("b took %v, leased to a", got)
	}
	boom := errors.New("boom")
	_ = b.Update(func(tx triage.Tx) error {
		_, _ = tx.DueJobs(storetest.T0.Add(postgres.DefaultLease), 0)
		return boom
	})
	if got := storetest.DueKeys(t, a, storetest.T0, 0); len(got) != 1 {
		t.Errorf("a's own job after b's rolled-back take: %v, want [j1]", got)
	}
}

// TestPutJobLeasedKeepsTheLease is what triage.Worker does before a
// handler runs: it saves the job as Leased. Another replica must not take
// it then, and may once the job is saved again without the mark (a failed
// run waiting for its retry).
func TestPutJobLeasedKeepsTheLease(t *testing.T) {
	dbs := replicas(t, 2, postgres.Options{Now: func() time.Time { return storetest.T0 }})
	a, b := dbs[0], dbs[1]
	storetest.Enqueue(t, a, storetest.Job("j1", storetest.T0))
	storetest.MustUpdate(t, a, func(tx triage.Tx) error {
		jobs, err := tx.DueJobs(storetest.T0, 0)
		if err != nil || len(jobs) != 1 {
			return fmt.Errorf("a took %d jobs: %v", len(jobs), err)
		}
		jobs[0].Leased = true
		return tx.PutJob(jobs[0])
	})
	if got := storetest.DueKeys(t, b, storetest.T0, 0); len(got) != 0 {
		t.Fatalf("b took %v while a runs it", got)
	}
	storetest.MustUpdate(t, a, func(tx triage.Tx) error {
		jobs, err := tx.DueJobs(storetest.T0, 0)
		if err != nil || len(jobs) != 1 {
			return fmt.Errorf("a's own job: %d jobs: %v", len(jobs), err)
		}
		jobs[0].Leased = false
		return tx.PutJob(jobs[0])
	})
	if got := storetest.DueKeys(t, b, storetest.T0, 0); len(got) != 1 {
		t.Fatalf("b took %v after a's lease ended, want [j1]", got)
	}
}
