package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/triage"
)

// TestCheckStoredCountsAccepted: the replicas' check counts what Accept
// stores, so it passes for every acknowledged event and fails for one
// more (it once counted a claim Accept no longer takes, and failed every
// run with 0 stored).
func TestCheckStoredCountsAccepted(t *testing.T) {
	url := pgtest.DB(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, key := range []string{"Ev1", "Ev2", "Ev3"} {
		if _, err := db.Accept(&triage.Delivery{Kind: "event", Key: key, Body: []byte("{}"), Received: time.Now()}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := checkStored(ctx, url, 3); err != nil {
		t.Errorf("3 accepted, 3 acknowledged: %v", err)
	}
	if err := checkStored(ctx, url, 4); err == nil || !strings.Contains(err.Error(), "only 3 stored") {
		t.Errorf("3 accepted, 4 acknowledged: %v, want only 3 stored", err)
	}
}
