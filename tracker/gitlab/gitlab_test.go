package gitlab_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/gitlab"
	"github.com/sprintguard/sprintguard/triage"
)

func TestCreate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk, err := f.tr.Create(ctx, spec(1, "U1"))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Key != "acme/ops#1" || !strings.HasSuffix(tk.URL, "/acme/ops/-/issues/1") || tk.Note != "" {
		t.Errorf("ticket = %+v", tk)
	}
	is := f.fake.Issues(projectPath)[0]
	if want := []string{"sprintguard", "urgency::P2", "interrupt", "access", "adhoc"}; !slices.Equal(is.Labels, want) {
		t.Errorf("labels = %q, want %q", is.Labels, want)
	}
	if !slices.Equal(is.Assignees, []string{"ann"}) || !strings.HasSuffix(is.Description, gitlab.Marker("ticket.create:1")) {
		t.Errorf("issue = %+v", is)
	}
	if got := f.fake.MilestoneTitle(projectPath, 1); got != "Sprint 1 (2026-11-16 – 2026-11-29)" {
		t.Errorf("milestone %q", got)
	}
	if c := f.fake.Labels(projectPath); c["urgency::P2"] != "#d93f0b" || c["adhoc"] != "#ededed" {
		t.Errorf("colours = %v", c)
	}
	sp := spec(2, "U3")
	sp.Deferred = true
	tk, err = f.tr.Create(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tk.Note, "<@U3> has no `gitlab:` username") {
		t.Errorf("note = %q", tk.Note)
	}
	if got := f.fake.MilestoneTitle(projectPath, 2); got != "Sprint 2 (2026-11-30 – 2026-12-13)" {
		t.Errorf("deferred milestone %q", got)
	}
}

func TestCreateAfterLostAnswer(t *testing.T) {
	f := newFixture(t)
	f.fake.LoseCreates(1)
	if _, err := f.tr.Create(context.Background(), spec(7, "U1")); err == nil || triage.IsPermanent(err) {
		t.Fatalf("lost answer: err = %v", err)
	}
	f.clock.Add(time.Minute)
	tk, err := f.newTracker(t).Create(context.Background(), spec(7, "U1"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.fake.Issues(projectPath)); n != 1 || tk.Key != "acme/ops#1" || !tk.FollowUp {
		t.Errorf("%d issues, ticket %+v", n, tk)
	}
}

func TestRefusedAndLimited(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(f *fixture)
		permanent bool
		want      string
	}{
		{"no project", func(f *fixture) { f.project = "acme/nope" }, true, "list labels of acme/nope: Not Found (HTTP 404)"},
		{"guest", func(f *fixture) { f.fake.Guest(projectPath) }, true, "HTTP 403"},
		{"rate limited", func(f *fixture) { f.fake.RateLimit(1, 30*time.Second) }, false, "HTTP 429"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.setup(f)
			_, err := f.tr.Create(context.Background(), spec(1, "U1"))
			if err == nil || triage.IsPermanent(err) != tc.permanent || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (permanent %v), want %q", err, triage.IsPermanent(err), tc.want)
			}
			if !tc.permanent && triage.RetryDelay(err) != 30*time.Second {
				t.Errorf("retry after %s, want 30s", triage.RetryDelay(err))
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk, err := f.tr.Create(ctx, spec(1, "U1"))
	if err != nil {
		t.Fatal(err)
	}
	ch := triage.TicketChange{Key: "u:1", Urgency: 1, Status: triage.StatusAcknowledged, Assignee: "U2", Comment: "Raised to P1.", Team: "platform"}
	for range 2 {
		if err := f.tr.Update(ctx, tk.Key, ch); err != nil {
			t.Fatal(err)
		}
	}
	is := f.fake.Issues(projectPath)[0]
	if !slices.Contains(is.Labels, "urgency::P1") || slices.Contains(is.Labels, "urgency::P2") || !slices.Equal(is.Assignees, []string{"bob"}) {
		t.Errorf("issue = %+v", is)
	}
	if n := len(f.fake.Notes(projectPath, 1)); n != 1 {
		t.Errorf("%d notes after a retried change", n)
	}
	done := triage.TicketChange{Key: "u:2", Status: triage.StatusResolved, TimeSpent: 2, Unit: "hours", Comment: "Resolved.", Team: "platform"}
	if err := f.tr.Update(ctx, tk.Key, done); err != nil {
		t.Fatal(err)
	}
	if is := f.fake.Issues(projectPath)[0]; is.State != "closed" || is.Spent != 7200 {
		t.Errorf("after resolve: %s, %ds spent", is.State, is.Spent)
	}
	// The comment says the whole time spent, as triage words it; TimeSpent
	// is only what GitLab's own tracking lacked, logged by /spend and not
	// repeated in the words.
	const note = "Resolved.\n\n/spend 2h\n\n<sub>(sprintguard change u:2)</sub>"
	if ns := f.fake.Notes(projectPath, 1); len(ns) != 2 || ns[1].Body != note {
		t.Errorf("notes = %+v, want the second %q", ns, note)
	}
}

// 200 requests while GitLab fails with 5xx, rate limits, loses answers and
// is down for two minutes: exactly 200 issues, labelled and assigned.
func TestOutageLosesAndDoublesNothing(t *testing.T) {
	f := newFixture(t)
	svc := f.service(t)
	w := f.worker(svc)
	w.Batch = 10
	ctx := context.Background()
	const n = 200
	for i := range n {
		_, err := svc.Intake(ctx, triage.NewRequest{Team: "platform", Channel: "C0PLATHELP",
			User: "U" + strings.Repeat("0", 3) + string(rune('A'+i%26)), Summary: "checkout-" + itoa(i) + " is down", TS: "1764000000." + itoa(100000+i)})
		if err != nil {
			t.Fatal(err)
		}
	}
	var downAt time.Time
	f.drain(t, w, 10*time.Second, 1000, func(round int) {
		switch round {
		case 0:
			f.fake.Fail5xx(25)
			f.fake.LoseCreates(3)
		case 5:
			f.fake.RateLimit(4, time.Minute)
		case 10:
			downAt = f.clock.Now()
			f.fake.Down(downAt, downAt.Add(2*time.Minute))
		}
	})
	if downAt.IsZero() {
		t.Fatal("the outage never started")
	}
	issues := f.fake.Issues(projectPath)
	if len(issues) != n {
		t.Fatalf("%d issues for %d requests", len(issues), n)
	}
	markers := map[string]bool{}
	for _, r := range f.requests(t) {
		var iid int64
		if !strings.HasPrefix(r.Ticket.Key, projectPath+"#") {
			t.Errorf("request %d has ticket %q", r.ID, r.Ticket.Key)
			continue
		}
		iid = int64(atoi(strings.TrimPrefix(r.Ticket.Key, projectPath+"#")))
		is := issues[iid-1]
		markers[is.Description[strings.LastIndex(is.Description, "<!--"):]] = true
		if !slices.Contains(is.Labels, gitlab.UrgencyLabel(r.Urgency)) || !slices.Contains(is.Labels, "interrupt") {
			t.Errorf("%s labels %q for %s", r.Ticket.Key, is.Labels, r.Urgency)
		}
		if want := f.logins[r.Assignee]; want == "" || !slices.Equal(is.Assignees, []string{want}) {
			t.Errorf("%s assigned %q, request to %s", r.Ticket.Key, is.Assignees, r.Assignee)
		}
	}
	if len(markers) != n {
		t.Errorf("%d distinct markers", len(markers))
	}
	ws := f.fake.Writes()
	for i := 1; i < len(ws); i++ {
		if ws[i].Sub(ws[i-1]) < 300*time.Millisecond {
			t.Fatalf("writes %d and %d came %s apart", i-1, i, ws[i].Sub(ws[i-1]))
		}
	}
}

// A create GitLab never answered, or answered with a gateway's 504, may
// still be made by a GitLab that was only slow. Here it lands one call
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
			if n := len(f.fake.Issues(projectPath)); n != 1 || tk.Key != "acme/ops#1" || !tk.FollowUp {
				t.Errorf("%d issues, ticket %+v; want one issue, found again", n, tk)
			}
		})
	}
}
