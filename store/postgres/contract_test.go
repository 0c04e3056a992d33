package postgres_test

import (
	"context"
	"testing"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/storetest"
)

// TestContract runs the store contract on PostgreSQL, each case in a
// schema of its own; every Open is another replica. Accepts are batched,
// as serve runs them.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Driver{Replicas: true, New: func(t *testing.T) storetest.Opener {
		url := pgtest.Schema(t)
		return func(opt storetest.Options) (storetest.Store, error) {
			return postgres.Open(context.Background(), url, postgres.Options{
				Now: opt.Now, DedupeTTL: opt.DedupeTTL, Lease: opt.Lease, MaxConns: 8, GroupAccept: true})
		}
	}})
}
