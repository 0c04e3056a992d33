package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

// run is one run of an outbox job that posts texts into channel (in thread
// when set), with the Attempt the worker would give it.
func runPosts(t *testing.T, g *Gateway, key string, resumed bool, channel, thread string, texts ...string) []string {
	t.Helper()
	ctx := triage.WithAttempt(context.Background(), &triage.Attempt{Key: key, Created: time.Now(), Resumed: resumed})
	var stamps []string
	for _, s := range texts {
		ts, err := g.Post(ctx, channel, thread, text(s))
		if err != nil {
			t.Fatal(err)
		}
		stamps = append(stamps, ts)
	}
	return stamps
}

// A job's posts carry its key in their metadata; a run that may repeat an
// earlier one finds the posts that run made, in the channel or the
// thread, and makes only those it did not.
func TestPostOnceAcrossRuns(t *testing.T) {
	tests := []struct {
		name, thread string
		first        []string // what the earlier run posted before it stopped
		lookup       string   // the method that looks
	}{
		{"channel, all posted", "", []string{"one", "two"}, "conversations.history"},
		{"channel, cut short", "", []string{"one"}, "conversations.history"},
		{"thread, all posted", "1763800000.000100", []string{"one", "two"}, "conversations.replies"},
		{"thread, cut short", "1763800000.000100", []string{"one"}, "conversations.replies"},
		{"nothing posted", "", nil, "conversations.history"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, g := newTestGateway(t)
			if tt.thread != "" {
				fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: "help", Timestamp: tt.thread}})
			}
			// Another job's post and a person's message are in the way.
			runPosts(t, g, "job:other", false, "C1", tt.thread, "other")
			first := runPosts(t, g, "job:1", false, "C1", tt.thread, tt.first...)
			if n := len(fake.Calls(tt.lookup)); n != 0 {
				t.Fatalf("a first run looked for earlier posts (%d %s calls)", n, tt.lookup)
			}
			fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: "thanks", ThreadTimestamp: tt.thread}})
			posted := len(fake.OKCalls("chat.postMessage"))

			again := runPosts(t, g, "job:1", true, "C1", tt.thread, "one", "two")
			for i, ts := range first {
				if again[i] != ts {
					t.Errorf("post %d: the resumed run answered %s, want the earlier run's %s", i, again[i], ts)
				}
			}
			if made := len(fake.OKCalls("chat.postMessage")) - posted; made != 2-len(tt.first) {
				t.Errorf("the resumed run posted %d messages, want %d", made, 2-len(tt.first))
			}
			looks := fake.Calls(tt.lookup)
			if len(looks) == 0 || looks[0].Form.Get("include_all_metadata") != "1" {
				t.Fatalf("%s calls %+v, want include_all_metadata=1", tt.lookup, looks)
			}
			seen := map[string]bool{}
			for _, m := range fake.Messages("C1") {
				if m.User != "UBOT" {
					continue
				}
				p := m.Metadata.EventPayload
				id := fmt.Sprint(p["job"], "#", p["post"])
				if m.Metadata.EventType != PostEventType || p["job"] == nil {
					t.Errorf("message %q has metadata %+v", m.Text, m.Metadata)
				}
				if seen[id] {
					t.Errorf("post %s is in the channel twice", id)
				}
				seen[id] = true
			}
			if !seen["job:1#0"] || !seen["job:1#1"] {
				t.Errorf("posts %v, want job:1#0 and job:1#1", seen)
			}
		})
	}
}

// The lookup is a Slack call like the others: it waits out a rate limit.
func TestPostLookupWaitsOutRateLimit(t *testing.T) {
	fake, g := newTestGateway(t)
	waited := sleeps(g)
	first := runPosts(t, g, "job:1", false, "C1", "", "one")
	fake.RateLimit("conversations.history", 1, 2*time.Second)
	again := runPosts(t, g, "job:1", true, "C1", "", "one")
	if again[0] != first[0] || len(fake.OKCalls("chat.postMessage")) != 1 {
		t.Fatalf("resumed run answered %v after %v; %d posts", again, first, len(fake.OKCalls("chat.postMessage")))
	}
	if len(*waited) != 1 || (*waited)[0] != 2*time.Second {
		t.Errorf("waited %v, want the 2s Retry-After", *waited)
	}
}

// A thread longer than the lookup reads in full: the replies older than
// the job are left out of the search, so the earlier run's post is still
// found.
func TestPostLookupFindsItInALongThread(t *testing.T) {
	fake, g := newTestGateway(t)
	old := time.Now().Add(-time.Hour)
	thread := fmt.Sprintf("%d.000000", old.Unix())
	fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: "help", Timestamp: thread}})
	for i := range lookupPages*lookupPage + 1 {
		fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U2", Text: "me too",
			Timestamp: fmt.Sprintf("%d.%06d", old.Unix()+1, i), ThreadTimestamp: thread}})
	}
	first := runPosts(t, g, "job:1", false, "C1", thread, "one")
	again := runPosts(t, g, "job:1", true, "C1", thread, "one")
	if again[0] != first[0] || len(fake.OKCalls("chat.postMessage")) != 1 {
		t.Errorf("resumed run answered %v, want the earlier run's %v; %d posts, want 1", again, first, len(fake.OKCalls("chat.postMessage")))
	}
}

// The search asks Slack only for what is newer than the job, less the
// clocks' skew: in the channel, newest first back to that bound, and in a
// thread from it on.
func TestPostLookupIsBoundedByTheJob(t *testing.T) {
	for _, tt := range []struct{ name, thread, method string }{
		{"channel", "", "conversations.history"},
		{"thread", "1763800000.000100", "conversations.replies"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake, g := newTestGateway(t)
			if tt.thread != "" {
				fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: "help", Timestamp: tt.thread}})
			}
			created := time.Now()
			runPosts(t, g, "job:1", true, "C1", tt.thread, "one")
			looks := fake.Calls(tt.method)
			if len(looks) != 1 {
				t.Fatalf("%d %s calls, want 1", len(looks), tt.method)
			}
			oldest, err := slackexport.ParseTS(looks[0].Form.Get("oldest"))
			if err != nil || oldest.After(created) || oldest.Before(created.Add(-time.Hour)) {
				t.Errorf("oldest %q (%v), want within an hour before the job was queued, %v", looks[0].Form.Get("oldest"), err, created)
			}
			if tt.thread == "" && looks[0].Form.Get("latest") == "" {
				t.Errorf("history without latest pages forward from oldest, not newest first")
			}
		})
	}
}

// A job's DM goes to the channel conversations.open names, where the
// resumed run looks for it: Slack reads no conversation by a user's id.
func TestPostOnceInADM(t *testing.T) {
	fake, g := newTestGateway(t)
	dm, err := g.OpenDM(context.Background(), "U42")
	if err != nil {
		t.Fatal(err)
	}
	first := runPosts(t, g, "job:1", false, dm, "", "one")
	g.forgetDM(dm) // as after a restart
	dm, err = g.OpenDM(context.Background(), "U42")
	if err != nil {
		t.Fatal(err)
	}
	again := runPosts(t, g, "job:1", true, dm, "", "one")
	if again[0] != first[0] || len(fake.OKCalls("chat.postMessage")) != 1 || len(fake.OKCalls("conversations.history")) != 1 {
		t.Errorf("resumed run answered %v, want %v; %d posts, %d history calls", again, first,
			len(fake.OKCalls("chat.postMessage")), len(fake.OKCalls("conversations.history")))
	}
	if m := fake.Messages(fake.DM("U42")); len(m) != 1 {
		t.Errorf("%d messages in the DM, want 1", len(m))
	}
}

// A job that posts in a channel and then in that post's thread numbers
// each place's posts from 0; the thread's parent, which conversations.replies
// returns on every page, is not the reply that a resumed run looks for.
func TestPostOnceInItsOwnThread(t *testing.T) {
	fake, g := newTestGateway(t)
	ctx := func(resumed bool) context.Context {
		return triage.WithAttempt(context.Background(), &triage.Attempt{Key: "job:1", Created: time.Now(), Resumed: resumed})
	}
	// The earlier run posted in the channel and stopped before its reply.
	first, err := g.Post(ctx(false), "C1", "", text("head"))
	if err != nil {
		t.Fatal(err)
	}
	again := ctx(true)
	parent, err := g.Post(again, "C1", "", text("head"))
	if err != nil || parent != first {
		t.Fatalf("resumed head: %s, %v; want %s", parent, err, first)
	}
	reply, err := g.Post(again, "C1", parent, text("reply"))
	if err != nil {
		t.Fatal(err)
	}
	if reply == parent || len(fake.OKCalls("chat.postMessage")) != 2 {
		t.Errorf("reply %s (parent %s), %d posts; want the reply posted once", reply, parent, len(fake.OKCalls("chat.postMessage")))
	}
}

// A resumed run that may not read the conversation (an install without
// the history scope) cannot tell whether it posted: it posts, rather than
// fail the job for good and leave the message unsaid.
func TestPostLookupUnreadableConversation(t *testing.T) {
	fake, g := newTestGateway(t)
	fake.GrantScopes("xoxb-test", "chat:write")
	ctx := triage.WithAttempt(context.Background(), &triage.Attempt{Key: "job:1", Created: time.Now(), Resumed: true})
	if _, err := g.Post(ctx, "C1", "", text("one")); err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	if n := len(fake.OKCalls("chat.postMessage")); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

// A file share takes no metadata: a resumed run finds the bot's earlier
// share of the same file in the thread by its name, and shares nothing.
func TestUploadOnceAcrossRuns(t *testing.T) {
	for _, earlier := range []bool{true, false} {
		t.Run(fmt.Sprint("earlier share ", earlier), func(t *testing.T) {
			fake, g := newTestGateway(t)
			thread := runPosts(t, g, "job:1", false, "C1", "", "report")[0]
			// A person's file of another name is in the way.
			fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", ThreadTimestamp: thread,
				Files: []slack.File{{Name: "other.png"}}}})
			upload := func(resumed bool) {
				ctx := triage.WithAttempt(context.Background(), &triage.Attempt{Key: "job:1", Created: time.Now(), Resumed: resumed})
				if err := g.UploadFile(ctx, "C1", thread, "chart.png", "Chart", []byte("png")); err != nil {
					t.Fatal(err)
				}
			}
			if earlier {
				upload(false)
			}
			upload(true)
			if n := len(fake.Files()); n != 1 {
				t.Errorf("%d files shared, want 1", n)
			}
		})
	}
}
