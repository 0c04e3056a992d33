package github_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/triage"
)

func TestCreate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk, err := f.tr.Create(ctx, spec(1, "U1"))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Key != "acme/ops#1" || tk.URL != "https://github.com/acme/ops/issues/1" || tk.Note != "" || tk.FollowUp {
		t.Errorf("ticket = %+v", tk)
	}
	is := f.fake.Issues(repoName)[0]
	wantLabels := []string{"sprintguard", "urgency:P2", "interrupt", "access", "adhoc", "prod"}
	if !slices.Equal(is.Labels, wantLabels) {
		t.Errorf("labels = %q, want %q", is.Labels, wantLabels)
	}
	if !slices.Equal(is.Assignees, []string{"ann"}) {
		t.Errorf("assignees = %q", is.Assignees)
	}
	if !strings.Contains(is.Body, "by rule access-prod") || !strings.HasSuffix(is.Body, github.Marker("ticket.create:1")) {
		t.Errorf("body = %q", is.Body)
	}
	ms := f.fake.Milestones(repoName)
	if len(ms) != 1 || is.Milestone != ms[0].Number || ms[0].Title != "Sprint 1 (2026-11-16 – 2026-11-29)" {
		t.Errorf("milestone %d of %+v", is.Milestone, ms)
	}
	colours := map[string]string{}
	for _, l := range f.fake.Labels(repoName) {
		colours[l.Name] = l.Color
	}
	if colours["urgency:P2"] != "d93f0b" || colours["interrupt"] != "5319e7" || colours["prod"] != "ededed" {
		t.Errorf("label colours = %v", colours)
	}

	// A second request makes no label or milestone again.
	before := len(f.fake.Requests())
	if _, err := f.tr.Create(ctx, spec(2, "U2")); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.fake.Requests()[before:] {
		if r.Path != "/repos/acme/ops/issues" {
			t.Errorf("second create also called %s %s", r.Method, r.Path)
		}
	}
}

func TestCreateUnmappedAssigneeAndDeferred(t *testing.T) {
	f := newFixture(t)
	sp := spec(1, "U3")
	sp.Deferred = true
	tk, err := f.tr.Create(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tk.Note, "<@U3> has no `github:` login") {
		t.Errorf("note = %q", tk.Note)
	}
	is := f.fake.Issues(repoName)[0]
	if len(is.Assignees) != 0 || !slices.Contains(is.Labels, "deferred") || slices.Contains(is.Labels, "interrupt") {
		t.Errorf("issue = %+v", is)
	}
	ms := f.fake.Milestones(repoName)
	if len(ms) != 1 || ms[0].Title != "Sprint 2 (2026-11-30 – 2026-12-13)" {
		t.Errorf("deferred request's milestone: %+v", ms)
	}
}

// A create whose answer is lost, and a process that dies between GitHub's
// 201 and recording the ticket, both find the issue again by its marker.
func TestCreateAfterLostAnswerMakesNoSecondIssue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.fake.LoseCreates(1)
	_, err := f.tr.Create(ctx, spec(7, "U1"))
	if err == nil || triage.IsPermanent(err) {
		t.Fatalf("lost answer: err = %v, want a retryable error", err)
	}
	f.clock.Add(time.Minute)
	// A fresh tracker: the process restarted.
	tr := f.newTracker(t)
	tk, err := tr.Create(ctx, spec(7, "U1"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.fake.Issues(repoName)); n != 1 {
		t.Fatalf("%d issues after a retried create", n)
	}
	if tk.Key != "acme/ops#1" || !tk.FollowUp {
		t.Errorf("found ticket = %+v", tk)
	}
	// Recorded, then created again by a duplicate job: still one issue.
	if _, err := tr.Create(ctx, spec(7, "U1")); err != nil {
		t.Fatal(err)
	}
	if n := len(f.fake.Issues(repoName)); n != 1 {
		t.Fatalf("%d issues after a third attempt", n)
	}
}

func TestCreateRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(f *fixture)
		want  string
	}{
		{"no such repository", func(f *fixture) { f.repo.Repo = "acme/nope" }, "HTTP 404"},
		{"token without issue write", func(f *fixture) { f.fake.ReadOnly(repoName) }, "Resource not accessible by personal access token (HTTP 403)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.setup(f)
			_, err := f.tr.Create(context.Background(), spec(1, "U1"))
			if !triage.IsPermanent(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a permanent error with %q", err, tc.want)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	t.Run("secondary", func(t *testing.T) {
		f := newFixture(t)
		f.fake.SecondaryLimit(1, 90*time.Second)
		_, err := f.tr.Create(context.Background(), spec(1, "U1"))
		if d := triage.RetryDelay(err); d != 90*time.Second {
			t.Fatalf("err = %v, want a retry after 90s", err)
		}
		calls := len(f.fake.Requests())
		// Until then no call is made at all.
		f.clock.Add(30 * time.Second)
		if _, err := f.tr.Create(context.Background(), spec(1, "U1")); err == nil {
			t.Fatal("created while the secondary limit holds")
		}
		if n := len(f.fake.Requests()); n != calls {
			t.Errorf("%d calls made during the wait", n-calls)
		}
		f.clock.Add(time.Minute)
		if _, err := f.tr.Create(context.Background(), spec(1, "U1")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("primary", func(t *testing.T) {
		f := newFixture(t)
		f.fake.SetRemaining(0)
		_, err := f.tr.Create(context.Background(), spec(1, "U1"))
		reset := f.clock.Now().Truncate(time.Hour).Add(time.Hour).Sub(f.clock.Now())
		if d := triage.RetryDelay(err); d != reset {
			t.Fatalf("err = %v, want a retry after %s", err, reset)
		}
	})
}

// Content creation is spaced by at least a second, as GitHub asks.
func TestCreationPace(t *testing.T) {
	f := newFixture(t)
	for i := range int64(5) {
		if _, err := f.tr.Create(context.Background(), spec(i+1, "U1")); err != nil {
			t.Fatal(err)
		}
	}
	ws := f.fake.Writes()
	if len(ws) < 5 {
		t.Fatalf("%d writes", len(ws))
	}
	for i := 1; i < len(ws); i++ {
		if gap := ws[i].Sub(ws[i-1]); gap < time.Second {
			t.Errorf("write %d came %s after the one before", i, gap)
		}
	}
}

// A create GitHub never answered, or answered with a gateway's 504, may
// still be made by a GitHub that was only slow. Here it lands one call
// timeout later on the clock, which stands still while the call waits:
// the retry must wait that long, so that its search finds the issue
// instead of making a second.
func TestUnansweredCreateWaitsATimeout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		gateway bool
	}{{"no answer", false}, {"gateway 504", true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.timeout = 2 * time.Second // wide enough that the calls before the create answer under -race on a loaded machine
			f.tr = f.newTracker(t)
			ctx := context.Background()
			f.fake.SlowCreates(1, f.timeout, tc.gateway)
			_, err := f.tr.Create(ctx, spec(5, "U1"))
			if err == nil || triage.IsPermanent(err) {
				t.Fatalf("unanswered create: %v, want a retryable error", err)
			}
			if triage.RetryDelay(err) != f.timeout {
				t.Errorf("unanswered create: retry after %v; want after the %v call timeout", triage.RetryDelay(err), f.timeout)
			}
			f.clock.Add(triage.RetryDelay(err))
			tk, err := f.tr.Create(ctx, spec(5, "U1"))
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Add(time.Hour)
			if n := len(f.fake.Issues(repoName)); n != 1 || tk.Key != "acme/ops#1" || !tk.FollowUp {
				t.Errorf("%d issues, ticket %+v; want one issue, found again", n, tk)
			}
		})
	}
}
