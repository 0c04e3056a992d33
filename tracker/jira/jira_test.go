package jira_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
)

func strconvItoa(n int64) string { return strconv.FormatInt(n, 10) }

// createTicket does what triage's worker does: Create, then the follow-up
// update the tracker asks for.
func createTicket(t *testing.T, f *fixture, s triage.TicketSpec) triage.Ticket {
	t.Helper()
	tk, err := f.tr.Create(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if tk.FollowUp {
		err := f.tr.Update(context.Background(), tk.Key, triage.TicketChange{Key: "ticket.update:" + itoa(s.RequestID) + ":created",
			Assignee: s.Assignee, Team: s.Team, Comment: tk.Note, Place: true, Accepted: !s.Deferred})
		if err != nil {
			t.Fatal(err)
		}
	}
	return tk
}

func TestCreateFillsEveryField(t *testing.T) {
	f := newFixture(t)
	tk := createTicket(t, f, spec(12, "U1"))
	is, ok := f.fake.Issue(tk.Key)
	if !ok {
		t.Fatalf("no issue %s in Jira", tk.Key)
	}
	if is.Project != "OPS" || is.IssueType != "Task" || is.Summary != "grant read access to the billing replica" ||
		is.Priority != "Medium" || is.DueDate != "2026-11-27" || is.Assignee != "acc-ann" || is.Sprint != 42 {
		t.Fatalf("issue = %+v", is)
	}
	for _, l := range []string{"sprintguard", "sg-12", "adhoc", "access", "from-slack"} {
		if !slices.Contains(is.Labels, l) {
			t.Errorf("labels %v lack %q", is.Labels, l)
		}
	}
	if tk.URL != f.fake.URL()+"/browse/"+tk.Key || tk.Note != "" {
		t.Errorf("ticket %+v", tk)
	}
}

func TestDeferredStaysInTheBacklog(t *testing.T) {
	f := newFixture(t)
	s := spec(3, "U2")
	s.Deferred = true
	tk := createTicket(t, f, s)
	if is, _ := f.fake.Issue(tk.Key); is.Sprint != 0 {
		t.Fatalf("deferred issue in sprint %d, want the backlog", is.Sprint)
	}
}

// Jira answers 201 and the connection drops before we read it: the retry
// finds the issue by its label instead of making a second one.
func TestCreateAfterADroppedAnswerFindsTheIssue(t *testing.T) {
	f := newFixture(t)
	f.fake.DropAfterCreate(1)
	if _, err := f.tr.Create(context.Background(), spec(5, "U1")); err == nil || triage.IsPermanent(err) {
		t.Fatalf("first attempt: %v, want a retryable error", err)
	}
	tk := createTicket(t, f, spec(5, "U1"))
	if n := len(f.fake.Issues()); n != 1 {
		t.Fatalf("%d issues after a retried create, want 1", n)
	}
	if is := f.fake.Issues()[0]; tk.Key != is.Key || is.Assignee != "acc-ann" || is.Sprint != 42 {
		t.Fatalf("retry returned %s; Jira has %+v assigned and in the sprint", tk.Key, f.fake.Issues()[0])
	}
}

func TestUnmappableAssigneeLeavesTheIssueUnassigned(t *testing.T) {
	f := newFixture(t)
	tk := createTicket(t, f, spec(7, "U3"))
	is, _ := f.fake.Issue(tk.Key)
	if is.Assignee != "" || len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "unassigned") {
		t.Fatalf("issue assignee %q, comments %q; want unassigned with one comment", is.Assignee, is.Comments)
	}
	if !strings.Contains(tk.Note, "<@U3>") {
		t.Fatalf("ticket note %q, want a word for the thread naming the user", tk.Note)
	}
	// The miss is cached: a second ticket does not ask Slack again.
	calls := f.dir.calls
	createTicket(t, f, spec(8, "U3"))
	if f.dir.calls != calls {
		t.Errorf("Slack asked %d more times for a user known to be unmappable", f.dir.calls-calls)
	}
}

func TestErrorsAreClassified(t *testing.T) {
	tests := []struct {
		name      string
		set       func(f *fixture)
		permanent bool
		retry     time.Duration
		unready   bool
	}{
		{"server error", func(f *fixture) { f.fake.FailNext(1, 500) }, false, 0, false},
		{"down", func(f *fixture) { f.fake.SetDown(true) }, false, 0, false},
		{"rate limited", func(f *fixture) { f.fake.RateLimitNext(1, 7*time.Second) }, false, 7 * time.Second, false},
		{"timeout", func(f *fixture) { f.fake.HangNext(1) }, false, 0, false},
		{"bad field", func(f *fixture) { f.proj.Priority = map[string]string{"P3": "Blocker"} }, true, 0, false},
		{"unknown project", func(f *fixture) { f.proj.Project = "NOPE" }, true, 0, false},
		{"forbidden", func(f *fixture) { f.fake.SetForbidden(true) }, false, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.set(f)
			_, err := f.tr.Create(context.Background(), spec(1, "U1"))
			if err == nil {
				t.Fatal("Create succeeded")
			}
			if triage.IsPermanent(err) != tc.permanent {
				t.Errorf("permanent = %v, want %v: %v", triage.IsPermanent(err), tc.permanent, err)
			}
			if got := triage.RetryDelay(err); got != tc.retry {
				t.Errorf("retry after %v, want %v", got, tc.retry)
			}
			if (f.tr.Ready() != nil) != tc.unready {
				t.Errorf("Ready() = %v, want unready %v", f.tr.Ready(), tc.unready)
			}
		})
	}
}

func TestBadFieldShowsJirasMessage(t *testing.T) {
	f := newFixture(t)
	f.proj.Priority = map[string]string{"P3": "Blocker"}
	_, err := f.tr.Create(context.Background(), spec(1, "U1"))
	if err == nil || !strings.Contains(err.Error(), "priority") {
		t.Fatalf("error %v, want Jira's words about the priority field", err)
	}
}

func TestUnreadyUntilTheCredentialsWorkAgain(t *testing.T) {
	f := newFixture(t)
	f.fake.SetForbidden(true)
	f.tr.Create(context.Background(), spec(1, "U1"))
	if f.tr.Ready() == nil {
		t.Fatal("ready after a 403")
	}
	f.fake.SetForbidden(false)
	if _, err := f.tr.Create(context.Background(), spec(1, "U1")); err != nil {
		t.Fatal(err)
	}
	if err := f.tr.Ready(); err != nil {
		t.Fatalf("still unready after a success: %v", err)
	}
	_ = jirafake.User
}

// searches counts the label searches Jira was asked.
func searches(fake *jirafake.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/search/jql") {
			n++
		}
	}
	return n
}

// The first run of a create job has made nothing to find: it creates
// without searching. A run that may follow an earlier one (it failed, or
// was in flight at a crash), and a Create outside any job, search first.
func TestOnlyARunThatMayFollowAnotherSearches(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ctx      context.Context
		searches int
	}{
		{"first run", triage.WithAttempt(context.Background(), &triage.Attempt{Key: "ticket.create:3"}), 0},
		{"resumed run", triage.WithAttempt(context.Background(), &triage.Attempt{Key: "ticket.create:3", Resumed: true}), 1},
		{"no job", context.Background(), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if _, err := f.tr.Create(tc.ctx, spec(3, "U1")); err != nil {
				t.Fatal(err)
			}
			if n := searches(f.fake); n != tc.searches || len(f.fake.Issues()) != 1 {
				t.Errorf("%d searches, %d issues; want %d and 1", n, len(f.fake.Issues()), tc.searches)
			}
		})
	}
}

// A create Jira never answered may still be made by a Jira that was only
// slow: its retry waits a call timeout, so that its search comes after
// that issue. A call that failed before the create waits no longer than
// the worker's backoff.
func TestUnansweredCreateWaitsATimeout(t *testing.T) {
	f := newFixture(t)
	first := triage.WithAttempt(context.Background(), &triage.Attempt{Key: "ticket.create:4"})
	f.fake.HangNext(1)
	_, err := f.tr.Create(first, spec(4, ""))
	if err == nil || triage.IsPermanent(err) || triage.RetryDelay(err) != 2*time.Second {
		t.Fatalf("unanswered create: %v, retry after %v; want a retry after the 2s call timeout", err, triage.RetryDelay(err))
	}
	resumed := triage.WithAttempt(context.Background(), &triage.Attempt{Key: "ticket.create:4", Resumed: true})
	f.fake.HangNext(1)
	_, err = f.tr.Create(resumed, spec(4, ""))
	if err == nil || triage.RetryDelay(err) != 0 {
		t.Fatalf("unanswered search: %v, retry after %v; want the worker's backoff", err, triage.RetryDelay(err))
	}
}

// A 504 on a create, from the gateway in front of Jira, leaves open
// whether Jira made the issue, as no answer does: it waits a call
// timeout. A 502 or 503 keeps the worker's backoff.
func TestGatewayTimeoutOnCreateWaitsATimeout(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   time.Duration
	}{{504, 2 * time.Second}, {502, 0}, {503, 0}} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			f := newFixture(t)
			first := triage.WithAttempt(context.Background(), &triage.Attempt{Key: "ticket.create:4"})
			f.fake.FailNext(1, tc.status)
			_, err := f.tr.Create(first, spec(4, ""))
			if err == nil || triage.IsPermanent(err) || triage.RetryDelay(err) != tc.want {
				t.Errorf("create answered %d: %v, retry after %v; want after %v", tc.status, err, triage.RetryDelay(err), tc.want)
			}
		})
	}
}
