package triage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// putCounter is a store whose transactions count each request's writes.
// It is for one goroutine: the tests call Intake one at a time.
type putCounter struct {
	*store.DB
	puts map[int64]int
}

func (c *putCounter) Update(fn func(triage.Tx) error) error {
	return c.DB.Update(func(tx triage.Tx) error {
		return fn(countingTx{Tx: tx, tickets: tx.(local.TxTickets), c: c})
	})
}

// countingTx is a transaction of putCounter; it still makes local tickets.
type countingTx struct {
	triage.Tx
	tickets local.TxTickets
	c       *putCounter
}

func (t countingTx) PutRequest(r *triage.Request) error {
	t.c.puts[r.ID]++
	return t.Tx.PutRequest(r)
}

func (t countingTx) CreateTicketIn(key string, build func(int64) local.Ticket) (local.Ticket, bool, error) {
	return t.tickets.CreateTicketIn(key, build)
}

// TestIntakeIsOneCommitWritingTheRequestOnce: with the local tracker, each
// new request costs one commit of the store, which holds its ticket, its
// ledger charge and its outbox jobs, and writes the request once.
func TestIntakeIsOneCommitWritingTheRequestOnce(t *testing.T) {
	commits := 0
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true,
		AfterCommit: func(int, int) { commits++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 17, 10, 0, 0, 0, chicago)
	team := testTeam(t)
	c := &putCounter{DB: db, puts: map[int64]int{}}
	svc := triage.NewService(c, &triage.Settings{Teams: []*triage.Team{team}}, func() time.Time { return at })
	svc.Inline = local.New(db, "REQ", "")
	const n = 3
	for i := range n {
		before := commits
		res, err := svc.Intake(context.Background(), triage.NewRequest{Channel: "C0HELP", ChannelName: "platform-help",
			User: "UPAY", Summary: fmt.Sprintf("prod deploy %d is broken for everyone", i), EventKey: fmt.Sprint("Ev", i), TS: fmt.Sprintf("1.%04d", i)})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Request
		if commits-before != 1 || c.puts[r.ID] != 1 || r.Ticket.Key == "" {
			t.Errorf("request %d: %d commits, written %d times, ticket %q; want 1, 1 and a ticket", r.ID, commits-before, c.puts[r.ID], r.Ticket.Key)
		}
	}
	err = db.View(func(tx triage.Tx) error {
		jobs, err := tx.DueJobs(at.AddDate(1, 0, 0), 100)
		if err != nil {
			return err
		}
		l, err := tx.Ledger(team.Name, 23)
		if err != nil {
			return fmt.Errorf("the ledger of sprint 23: %w", err)
		}
		if len(jobs) == 0 || l.Used() == 0 {
			t.Errorf("%d outbox jobs and %v charged to the ledger after %d intakes", len(jobs), l.Used(), n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
