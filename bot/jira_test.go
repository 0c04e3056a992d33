package bot_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/jira"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
)

// Changes made in Jira reach the request, its Slack thread and the
// budget; a new assignee gets the request's buttons.
func TestJiraChangesReachSlack(t *testing.T) {
	fake := jirafake.New(t)
	fake.AddUser("acc-data2", "data2@acme.com", "Dee")
	fake.AddUser("acc-data3", "data3@acme.com", "Dan")
	var tr *jira.Tracker
	h := newHarnessWith(t, func(h *harness, gw *bot.Gateway) triage.Tracker {
		var err error
		tr, err = jira.New(jira.Options{URL: fake.URL(), User: jirafake.User, Token: config.NewSecret(jirafake.Token),
			Projects: func(string) config.JiraProject {
				return config.JiraProject{Project: "OPS", IssueType: "Task", Priority: config.DefaultJiraPriority}
			},
			Store: h.db, Users: gw, Now: h.clock.now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	})
	for id, email := range map[string]string{"U0DATA002": "data2@acme.com", "U0DATA003": "data3@acme.com"} {
		h.fake.AddUser(slack.User{ID: id, Name: id, Profile: slack.UserProfile{Email: email}})
	}
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "the dbt run keeps timing out", ts, ""))
	r := h.ticketed(1)[0]
	if !strings.HasPrefix(r.Ticket.Key, "OPS-") {
		t.Fatalf("ticket %q, want a Jira key", r.Ticket.Key)
	}
	is, _ := fake.Issue(r.Ticket.Key)
	if is.Assignee != "acc-data2" {
		t.Fatalf("Jira assignee %q, want the on-call's account acc-data2", is.Assignee)
	}

	sync := &jira.Syncer{Tracker: tr, Service: h.svc, Store: h.db, Every: time.Minute, Log: slog.New(slog.DiscardHandler)}
	fake.SetAssignee(r.Ticket.Key, "acc-data3")
	fake.SetStatus(r.Ticket.Key, "In Progress")
	if n, err := sync.Once(t.Context()); err != nil || n != 2 {
		t.Fatalf("sync: %d changes, %v; want the reassignment and the acknowledgement", n, err)
	}
	got := h.requests()[0]
	if got.Assignee != "U0DATA003" || got.Status != triage.StatusAcknowledged {
		t.Fatalf("request after sync: assignee %s, status %s", got.Assignee, got.Status)
	}
	h.waitFor("the new assignee's DM", func() bool { return len(h.posts(h.fake.DM("U0DATA003"))) == 1 })

	fake.SetStatus(r.Ticket.Key, "Done")
	if _, err := sync.Once(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n, _ := sync.Once(t.Context()); n != 0 {
		t.Fatalf("a second sync applied %d changes, want none", n)
	}
	h.waitFor("resolved", func() bool { return h.requests()[0].Status == triage.StatusResolved })
	h.waitFor("the thread told", func() bool {
		for _, p := range h.threadPosts(dataHelp, ts) {
			if strings.Contains(p, "Jira") && strings.Contains(strings.ToLower(p), "resolved") {
				return true
			}
		}
		return false
	})
	// Nothing went back to Jira for changes that came from it.
	for _, req := range fake.Requests() {
		if req.Method == "POST" && strings.HasSuffix(req.Path, "/transitions") {
			t.Errorf("sprintguard transitioned %s itself after a change made in Jira", req.Path)
		}
	}
}
