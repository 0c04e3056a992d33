package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/triage"
)

// Migration 4 folds the claims Accept took under "delivery:KEY" into the
// event claims Accept takes now, as the bbolt store's schema 7 does.
func TestMigrationFoldsDeliveryClaims(t *testing.T) {
	url := pgtest.DB(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	t0 := storetest.T0
	ns := func(d time.Duration) int64 { return t0.Add(d).UnixNano() }
	// What the store held before: a delivery claim alone, and two beside
	// the event claims of their requests, one expiring before it, one after.
	exec(t, url, `DELETE FROM schema_migrations WHERE version = 4`)
	exec(t, url, `INSERT INTO claims (key, value, expires_ns) VALUES
		('delivery:EvA', '', $1), ('delivery:EvB', '', $2), ('event:EvB', '7', $3),
		('delivery:EvC', '', $1), ('event:EvC', '8', $4)`,
		ns(time.Hour), ns(3*time.Hour), ns(2*time.Hour), ns(5*time.Hour))
	db, err = postgres.Open(ctx, url, postgres.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		key, value string
		until      time.Duration
	}{
		{"event:EvA", "", time.Hour},
		{"event:EvB", "7", 3 * time.Hour},
		{"event:EvC", "8", 5 * time.Hour},
		{"delivery:EvA", "(gone)", 0},
		{"delivery:EvB", "(gone)", 0},
	} {
		db.View(func(tx triage.Tx) error {
			v, ok, err := tx.Claimed(c.key, t0.Add(c.until-time.Nanosecond))
			if c.value == "(gone)" {
				if ok || err != nil {
					t.Errorf("Claimed(%s) = %q, %v, %v; want no claim", c.key, v, ok, err)
				}
				return nil
			}
			if err != nil || !ok || v != c.value {
				t.Errorf("Claimed(%s) before +%v = %q, %v, %v; want %q", c.key, c.until, v, ok, err, c.value)
			}
			if _, ok, _ := tx.Claimed(c.key, t0.Add(c.until)); ok {
				t.Errorf("Claimed(%s) live at +%v", c.key, c.until)
			}
			return nil
		})
	}
	if dup, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvA", Received: t0.Add(time.Minute)}, time.Hour); err != nil || !dup {
		t.Errorf("retry of EvA after the upgrade: dup %v, %v; want a duplicate", dup, err)
	}
}
