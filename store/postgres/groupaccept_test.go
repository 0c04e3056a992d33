package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/triage"
)

// TestGroupAccept accepts deliveries from many goroutines at once with
// GroupAccept while the first one's batch is held up: the rest share
// transactions, every delivery is stored once, a retry within a batch is
// a duplicate, and one the database refuses fails alone.
func TestGroupAccept(t *testing.T) {
	url := pgtest.Schema(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, postgres.Options{GroupAccept: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The database refuses the delivery "bad", as it would one that
	// breaks a constraint.
	_, err = db.Pool().Exec(ctx, `CREATE FUNCTION refuse_bad() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.key = 'bad' THEN RAISE EXCEPTION 'refused %', NEW.key; END IF; RETURN NEW; END $$;
		CREATE TRIGGER refuse_bad BEFORE INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION refuse_bad()`)
	if err != nil {
		t.Fatal(err)
	}
	// Another session holds the claim of "first" uncommitted, so the
	// writer's first batch waits on it while the others queue.
	hold, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close(ctx)
	htx, err := hold.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := htx.Exec(ctx, `INSERT INTO claims (key, value, expires_ns) VALUES ($1, '', $2)`,
		triage.EventClaim("first"), storetest.T0.Add(time.Hour).UnixNano()); err != nil {
		t.Fatal(err)
	}
	accept := func(key string) (bool, error) {
		return db.Accept(&triage.Delivery{Kind: "event", Key: key, Body: []byte(key), Received: storetest.T0}, time.Hour)
	}
	firstDone := make(chan error, 1)
	go func() {
		dup, err := accept("first")
		if err == nil && !dup {
			err = fmt.Errorf("first was accepted, but the other session's claim committed first")
		}
		firstDone <- err
	}()
	keys := []string{"bad", "Ev3"} // and Ev3 twice: a retry
	for i := range 30 {
		keys = append(keys, fmt.Sprint("Ev", i))
	}
	var mu sync.Mutex
	results := map[string][]string{}
	var wg, started sync.WaitGroup
	for _, k := range keys {
		started.Add(1)
		wg.Go(func() {
			started.Done()
			dup, err := accept(k)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				results[k] = append(results[k], "error: "+err.Error())
			case dup:
				results[k] = append(results[k], "dup")
			default:
				results[k] = append(results[k], "new")
			}
		})
	}
	started.Wait()
	if err := htx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := <-firstDone; err != nil {
		t.Errorf("first: %v", err)
	}
	if got := results["bad"]; len(got) != 1 || !strings.Contains(got[0], "refused bad") {
		t.Errorf("bad: %v, want its own error", got)
	}
	if got := strings.Join(results["Ev3"], ","); got != "new,dup" && got != "dup,new" {
		t.Errorf("Ev3 sent twice: %s, want one new and one dup", got)
	}
	for i := range 30 {
		if k := fmt.Sprint("Ev", i); k != "Ev3" && (len(results[k]) != 1 || results[k][0] != "new") {
			t.Errorf("%s: %v, want new", k, results[k])
		}
	}
	var rows, txs int
	if err := db.Pool().QueryRow(ctx, "SELECT count(*), count(DISTINCT xmin::text) FROM inbox").Scan(&rows, &txs); err != nil {
		t.Fatal(err)
	}
	if rows != 30 {
		t.Errorf("%d deliveries stored, want 30", rows)
	}
	if txs >= rows {
		t.Errorf("%d deliveries in %d transactions: the Accepts were not batched", rows, txs)
	}
	t.Logf("%d deliveries in %d transactions", rows, txs)
}
