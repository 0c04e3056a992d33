package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

// TestAllTeamsWalksMerge checks that the all-teams walks, which merge the
// teams' index entries since schema 9, give every request in (created,
// id) order: more than a read-ahead chunk of them, from teams whose
// names prefix each other, some created at the same instant.
func TestAllTeamsWalksMerge(t *testing.T) {
	db := openTest(t, Options{NoSync: true})
	teams := []string{"a", "ab", "b"}
	var all []*triage.Request
	for id := int64(1); id <= 3*walkChunk/2; id++ {
		// Ids and times disagree in order, and every third instant is shared.
		created := t0.Add(time.Duration((id*7919)%1000/3) * time.Minute)
		r := testRequest(id, teams[(id*31)%3], created)
		if id%4 == 0 {
			r.Status = triage.StatusResolved
		}
		all = append(all, r)
	}
	put(t, db, all...)
	slices.SortFunc(all, func(x, y *triage.Request) int {
		if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	from, to := t0.Add(50*time.Minute), t0.Add(300*time.Minute)
	var wantRange, wantOpen []int64
	for _, r := range all {
		if !r.CreatedAt.Before(from) && r.CreatedAt.Before(to) {
			wantRange = append(wantRange, r.ID)
		}
		if !r.Status.Closed() {
			wantOpen = append(wantOpen, r.ID)
		}
	}
	if got := ids(t, db, "", from, to); !slices.Equal(got, wantRange) {
		t.Errorf("Requests(all teams) = %d ids, first %v; want %d, first %v", len(got), head(got), len(wantRange), head(wantRange))
	}
	if got := openIDs(t, db, ""); !slices.Equal(got, wantOpen) {
		t.Errorf("OpenRequests(all teams) = %d ids, first %v; want %d, first %v", len(got), head(got), len(wantOpen), head(wantOpen))
	}
}

func head(ids []int64) []int64 { return ids[:min(len(ids), 8)] }

// TestMigrateToV9 opens a schema 8 file, with the all-teams indexes and
// the index fields kept apart as schema 8 wrote them, and checks that the
// migration drops them and that every read and a change of an old
// request work without them.
func TestMigrateToV9(t *testing.T) {
	path := t.TempDir() + "/v8.db"
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	old := []*triage.Request{testRequest(1, "data", t0.Add(2*time.Minute)), testRequest(2, "platform", t0.Add(time.Minute)),
		testRequest(3, "data", t0.Add(3*time.Minute))}
	old[2].Status = triage.StatusResolved
	put(t, db, old...)
	// What schema 8 kept beside what schema 9 keeps.
	err = db.bolt.Update(func(b *bolt.Tx) error {
		buckets := map[string]*bolt.Bucket{}
		for _, name := range [][]byte{legacyReqTimeAll, legacyReqOpenAll, legacyReqKeys} {
			bk, err := b.CreateBucket(name)
			if err != nil {
				return err
			}
			buckets[string(name)] = bk
		}
		for _, r := range old {
			k := timeIDKey(nil, r.CreatedAt, r.ID)
			if err := buckets[string(legacyReqTimeAll)].Put(k, nil); err != nil {
				return err
			}
			if !r.Status.Closed() {
				if err := buckets[string(legacyReqOpenAll)].Put(k, nil); err != nil {
					return err
				}
			}
			data, err := json.Marshal(indexedOf(r))
			if err != nil {
				return err
			}
			if err := buckets[string(legacyReqKeys)].Put(idKey(r.ID), data); err != nil {
				return err
			}
		}
		return b.Bucket(bucketMeta).Put(keySchemaVersion, u64(8))
	})
	if err != nil {
		t.Fatal(err)
	}

	db = reopenMigrated(t, db, path, Options{})
	db.bolt.View(func(b *bolt.Tx) error {
		for _, name := range [][]byte{legacyReqTimeAll, legacyReqOpenAll, legacyReqKeys} {
			if b.Bucket(name) != nil {
				t.Errorf("bucket %s is still there after the migration", name)
			}
		}
		return nil
	})
	if got, want := fmt.Sprint(ids(t, db, "", t0, t0.Add(time.Hour))), "[2 1 3]"; got != want {
		t.Errorf("Requests(all teams) = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(openIDs(t, db, "")), "[2 1]"; got != want {
		t.Errorf("OpenRequests(all teams) = %s, want %s", got, want)
	}
	// An old request's change moves its entries, read from the request.
	closed := testRequest(1, "data", t0.Add(2*time.Minute))
	closed.Status = triage.StatusResolved
	put(t, db, closed)
	if got, want := fmt.Sprint(openIDs(t, db, "")), "[2]"; got != want {
		t.Errorf("OpenRequests(all teams) after closing 1 = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(openIDs(t, db, "data")), "[]"; got != want {
		t.Errorf("OpenRequests(data) after closing 1 = %s, want %s", got, want)
	}
}
