package triage_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// countingFinder counts its lookups and finds nothing.
type countingFinder struct{ calls atomic.Int32 }

func (c *countingFinder) Find(context.Context, *triage.Request) (triage.Learned, error) {
	c.calls.Add(1)
	return triage.Learned{}, nil
}

var _ triage.SimilarFinder = (*countingFinder)(nil)

// TestIntakeQueuesTheSimilarLookup: the lookup of similar requests is an
// outbox job, so that intake (the ack path) never waits for the index;
// the job's handler does the lookup, and its retry records nothing twice.
func TestIntakeQueuesTheSimilarLookup(t *testing.T) {
	f := newFixture(t)
	finder := &countingFinder{}
	f.svc.Finder = finder
	r := f.intake(t, triage.NewRequest{Summary: "the staging deploy is stuck"}).Request
	if n := finder.calls.Load(); n != 0 {
		t.Fatalf("intake looked up similar requests %d times itself", n)
	}
	var job *triage.Job
	for _, j := range f.jobs(t) {
		if j.Kind == triage.JobSimilar && j.RequestID == r.ID {
			job = j
		}
	}
	if job == nil {
		t.Fatalf("no %s job queued: %v", triage.JobSimilar, jobKinds(f.jobs(t)))
	}
	h := f.svc.SimilarHandlers()[triage.JobSimilar]
	for range 2 {
		commit, err := h(context.Background(), job)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.Update(commit); err != nil {
			t.Fatal(err)
		}
	}
	if n := finder.calls.Load(); n != 2 {
		t.Errorf("the handler looked up %d times, want once a run", n)
	}
	if got := f.request(t, r.ID); !got.SimilarDone {
		t.Errorf("the lookup is not recorded on the request")
	}
}
