package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestMigrateConcurrently starts several replicas on one empty database at
// once: each must open cleanly and every migration must be applied once.
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.DB(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, url, postgres.Options{})
			if err != nil {
				errs <- err
				return
			}
			db.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent open: %v", err)
	}
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, unknown, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(unknown) != 0 {
		t.Errorf("unknown versions: %v", unknown)
	}
	for _, m := range ms {
		if m.AppliedAt.IsZero() {
			t.Errorf("migration %04d_%s not applied", m.Version, m.Name)
		}
	}
	var n int
	if err := db.Pool().QueryRow(ctx, "SELECT count(*) FROM meta WHERE key = 'created_at'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("meta rows = %d, %v: a migration ran twice or not at all", n, err)
	}
}

// TestOpenBadURLHidesPassword checks that a malformed URL's error does not
// repeat the password it carried.
func TestOpenBadURLHidesPassword(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://u:s3cretpw@host:notaport/db", postgres.Options{})
	if err == nil {
		t.Fatal("no error for a bad URL")
	}
	if got := err.Error(); strings.Contains(got, "s3cretpw") {
		t.Fatalf("error shows the password: %s", got)
	}
}
