package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/store/storetest"
	"github.com/sprintguard/sprintguard/triage"
)

func TestJobCodecRoundTrip(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		name string
		job  triage.Job
	}{
		{"new", triage.Job{ID: 1, Kind: triage.JobNotify, Key: "notify:ticketed:7:3", RequestID: 7, Team: "data",
			Payload: json.RawMessage(`{"kind":"ticketed","request_id":7}`), CreatedAt: t0, NextAt: t0}},
		{"leased retry", triage.Job{ID: 1 << 40, Kind: "ticket.create", Key: "ticket.create:9", RequestID: 9, Attempts: 3,
			CreatedAt: t0, NextAt: t0.Add(90 * time.Second).In(berlin), LastError: "jira: 503 ✗", Leased: true}},
		{"no request, no payload", triage.Job{ID: 2, Kind: "duty", Key: "duty:report", CreatedAt: time.Time{}, NextAt: t0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := encodeJob(&tc.job)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeJob(data)
			if err != nil {
				t.Fatal(err)
			}
			// Times compare by instant and offset, as JSON kept them.
			if !got.CreatedAt.Equal(tc.job.CreatedAt) || !got.NextAt.Equal(tc.job.NextAt) {
				t.Errorf("times %v, %v; want %v, %v", got.CreatedAt, got.NextAt, tc.job.CreatedAt, tc.job.NextAt)
			}
			if _, off := got.NextAt.Zone(); off != func() int { _, o := tc.job.NextAt.Zone(); return o }() {
				t.Errorf("NextAt's offset lost: %v", got.NextAt)
			}
			got.CreatedAt, got.NextAt = tc.job.CreatedAt, tc.job.NextAt
			if !reflect.DeepEqual(*got, tc.job) {
				t.Errorf("decoded %+v\nwant    %+v", *got, tc.job)
			}
			for n := range len(data) {
				if _, err := decodeJob(data[:n]); err == nil {
					t.Fatalf("the first %d of %d bytes decoded without an error", n, len(data))
				}
			}
			if _, err := decodeJob(append(data, 0)); err == nil {
				t.Error("a byte past the job decoded without an error")
			}
		})
	}
}

// A job a version before the binary form stored as JSON is still read,
// leased and completed.
func TestJobStoredAsJSONStillRuns(t *testing.T) {
	db := openTest(t, Options{Now: func() time.Time { return t0 }})
	old := triage.Job{Kind: triage.JobNotify, Key: "notify:old", RequestID: 3, Team: "data",
		Payload: json.RawMessage(`{"kind":"ticketed"}`), CreatedAt: t0, NextAt: t0}
	storetest.MustUpdate(t, db, func(tx triage.Tx) error {
		_, err := tx.Enqueue(&old)
		return err
	})
	data, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(b *bolt.Tx) error { return b.Bucket(bucketJobs).Put(u64(old.ID), data) }); err != nil {
		t.Fatal(err)
	}
	var due []*triage.Job
	if err := db.View(func(tx triage.Tx) (err error) {
		due, err = tx.DueJobs(t0, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Key != old.Key || string(due[0].Payload) != string(old.Payload) {
		t.Fatalf("due %+v, want the JSON job", due)
	}
	j := due[0]
	j.Leased = true
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutJob(j) })
	storetest.MustUpdate(t, db, func(tx triage.Tx) error { return tx.CompleteJob(j) })
	storetest.MustUpdate(t, db, func(tx triage.Tx) error {
		if added, err := tx.Enqueue(&triage.Job{Kind: old.Kind, Key: old.Key, NextAt: t0}); err != nil || added {
			t.Errorf("re-enqueue of the completed job: added %v, %v", added, err)
		}
		return nil
	})
}
