package postgres_test

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

func TestStats(t *testing.T) {
	db := replicas(t, 1, postgres.Options{})[0]
	closed := storetest.Request(2, "a", storetest.T0)
	closed.Status = triage.StatusResolved
	storetest.Put(t, db, storetest.Request(1, "a", storetest.T0), closed)
	first, second := storetest.Job("j1", storetest.T0.Add(-time.Hour)), storetest.Job("j2", storetest.T0)
	storetest.MustUpdate(t, db, func(tx triage.Tx) error {
		for _, j := range []*triage.Job{first, second, storetest.Job("j3", storetest.T0)} {
			if _, err := tx.Enqueue(j); err != nil {
				return err
			}
		}
		if _, _, err := tx.Claim("event:E1", "", storetest.T0, storetest.T0.Add(time.Hour)); err != nil {
			return err
		}
		return tx.BuryJob(first)
	})
	if _, _, err := db.CreateTicket("k", func(n int64) local.Ticket { return local.Ticket{Key: "REQ-1"} }); err != nil {
		t.Fatal(err)
	}
	s, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests != 2 || s.OpenRequests != 1 || s.Tickets != 1 || s.Claims != 1 || s.QueuedJobs != 2 || s.DeadJobs != 1 ||
		!s.OldestQueued.Equal(storetest.T0) || s.FileSize <= 0 {
		t.Errorf("Stats = %+v", s)
	}
}
