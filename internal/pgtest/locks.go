package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EndLockHolders ends, from a session of its own, every session that holds
// an advisory lock with a bigint key in the database at url, as the death
// of their processes or a cut network would, and fails t unless it ended
// exactly want of them.
func EndLockHolders(t testing.TB, url string, want int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1`).Scan(&n)
	if err != nil || n != want {
		t.Fatalf("ended %d advisory lock holders (%v), want %d", n, err, want)
	}
}
