package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// A cached decode hands out copies: changing one (as the outbox does when
// it leases a job) changes neither the cache nor the next copy, and other
// bytes under the same sequence decode to another job.
func TestJobCacheHandsOutCopies(t *testing.T) {
	var c jobCache
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	want := triage.Job{ID: 7, Kind: "notify", Key: "notify:ticketed:7", RequestID: 7, Team: "data",
		Payload: json.RawMessage(`{"kind":"ticketed"}`), CreatedAt: at, NextAt: at}
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.decode(7, data)
	if err != nil {
		t.Fatal(err)
	}
	first.Leased, first.NextAt, first.Attempts = true, at.Add(time.Hour), 3
	second, err := c.decode(7, data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*second, want) {
		t.Errorf("second decode %+v, want %+v", *second, want)
	}
	leased := want
	leased.Leased = true
	other, _ := json.Marshal(leased)
	got, err := c.decode(7, other)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Leased {
		t.Error("a job stored leased decoded as not leased")
	}
	// The entry is kept by sequence: the first bytes again are not the
	// entry the leased job's bytes left there.
	if again, err := c.decode(7, data); err != nil || again.Leased {
		t.Errorf("the first bytes decoded again as %+v, %v; want the job not leased", again, err)
	}
	if _, err := c.decode(8, []byte(`{"id":`)); err == nil {
		t.Error("bad JSON decoded without an error")
	}
}
