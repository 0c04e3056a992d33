package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/triage"
)

// The bbolt driver's own tests use the contract suite's helpers.
var (
	t0          = storetest.T0
	testRequest = storetest.Request
	job         = storetest.Job
)

// openTest opens a fresh store in t's temp dir, closed at cleanup.
func openTest(t testing.TB, opt Options) *DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "sprintguard.db"), opt)
}

func openAt(t testing.TB, path string, opt Options) *DB {
	t.Helper()
	db, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// reopenMigrated closes db, which a test has left at an older schema
// version, opens path again with opt and checks that the open migrated
// the file to SchemaVersion.
func reopenMigrated(t *testing.T, db *DB, path string, opt Options) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path, opt)
	if got := rawVersionOpen(t, db); got != SchemaVersion {
		t.Errorf("schema version after the migration = %d, want %d", got, SchemaVersion)
	}
	return db
}

func put(t testing.TB, db triage.Store, rs ...*triage.Request) {
	t.Helper()
	storetest.Put(t, db, rs...)
}

func ids(t testing.TB, db triage.Store, team string, from, to time.Time) []int64 {
	t.Helper()
	return storetest.IDs(t, db, team, from, to)
}

func openIDs(t testing.TB, db triage.Store, team string) []int64 {
	t.Helper()
	return storetest.OpenIDs(t, db, team)
}
