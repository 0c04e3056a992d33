package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestStoresAreSeparate checks that each call of DB or Schema gives a
// test its own empty place on a working server: a table made through one
// URL is not seen through another.
func TestStoresAreSeparate(t *testing.T) {
	for name, fresh := range map[string]func(testing.TB) string{"DB": pgtest.DB, "Schema": pgtest.Schema} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, b := fresh(t), fresh(t)
			if a == b {
				t.Fatalf("two calls gave the same URL %q", a)
			}
			ca, err := pgx.Connect(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			defer ca.Close(ctx)
			if _, err := ca.Exec(ctx, "CREATE TABLE x (n int); INSERT INTO x VALUES (1)"); err != nil {
				t.Fatal(err)
			}
			cb, err := pgx.Connect(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			defer cb.Close(ctx)
			var seen bool
			if err := cb.QueryRow(ctx, "SELECT to_regclass('x') IS NOT NULL").Scan(&seen); err != nil || seen {
				t.Fatalf("the second sees the first one's table: %v %v", seen, err)
			}
		})
	}
}
