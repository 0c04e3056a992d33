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

// The explanation of a learned estimate reads as the on-call writes an
// estimate: hours short ("2h"), points in words.
func TestLearnedWhy(t *testing.T) {
	refs := []string{"REQ-12", "REQ-40", "REQ-77"}
	tests := []struct {
		unit string
		est  float64
		want string
	}{
		{"hours", 2, "estimate 2h: median of REQ-12, REQ-40, REQ-77"},
		{"hours", 1.5, "estimate 1.5h: median of REQ-12, REQ-40, REQ-77"},
		{"points", 1, "estimate 1 point: median of REQ-12, REQ-40, REQ-77"},
		{"", 3, "estimate 3 points: median of REQ-12, REQ-40, REQ-77"},
	}
	for _, tc := range tests {
		t.Run(tc.unit, func(t *testing.T) {
			if got := (triage.Learned{Estimate: tc.est, HasEstimate: true, From: refs}).Why(tc.unit); got != tc.want {
				t.Errorf("Why(%q) = %q, want %q", tc.unit, got, tc.want)
			}
		})
	}
}
