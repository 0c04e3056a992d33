package bot_test

import (
	"strconv"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// settled waits until every delivery sent so far is processed and the
// outbox has nothing due, so that a test can assert what did not happen.
func (h *harness) settled() {
	h.t.Helper()
	h.waitFor("the inbox to drain", func() bool {
		p, err := h.db.Pending(10)
		return err == nil && len(p) == 0
	})
	h.drained()
}

// A team talking in its own intake channel is not asking itself for
// anything: members' and leads' messages get no prompt and no ticket,
// unless the team sets intake.members_ask. Everyone else's still do.
func TestTeamMembersTalkingInTheirOwnChannel(t *testing.T) {
	const (
		platMember = "U0PLAT003"
		dataMember = "U0DATA003"
		dataLead   = "U0DATA001"
	)
	tests := []struct {
		name       string
		membersAsk bool
		channel    string
		user       string
		wantAsk    bool // a prompt (prompt mode) or a request (auto mode)
	}{
		{"member, prompt mode", false, platHelp, platMember, false},
		{"lead, prompt mode", false, platHelp, platLead, false},
		{"member, auto mode", false, dataHelp, dataMember, false},
		{"lead, auto mode", false, dataHelp, dataLead, false},
		{"another team's member, prompt mode", false, platHelp, dataMember, true},
		{"another team's member, auto mode", false, dataHelp, platMember, true},
		{"outsider, prompt mode", false, platHelp, outsider, true},
		{"outsider, auto mode", false, dataHelp, outsider, true},
		{"member with members_ask, prompt mode", true, platHelp, platMember, true},
		{"member with members_ask, auto mode", true, dataHelp, dataMember, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for _, team := range []string{"platform", "data"} {
				h.withTeam(team, func(t *triage.Team) { t.MembersAsk = tt.membersAsk })
			}
			ts := h.ts()
			h.event("EvMember"+strconv.Itoa(i), h.message(tt.channel, tt.user, "the nightly export to the warehouse failed again", ts, ""))
			h.settled()
			asked := len(h.threadPosts(tt.channel, ts)) > 0
			if tt.channel == dataHelp {
				asked = len(h.requests()) > 0
			} else if n := len(h.requests()); n != 0 {
				t.Fatalf("%d requests from a message in a prompt-mode channel", n)
			}
			if asked != tt.wantAsk {
				t.Fatalf("treated as a request: %v, want %v (thread posts %q)", asked, tt.wantAsk, h.threadPosts(tt.channel, ts))
			}
		})
	}
}

// A thread reply is conversation, never a new request: in auto and
// prompt channels, as a broadcast or a file, in a DM, and from a team
// with members_ask.
func TestThreadRepliesAreNeverRequests(t *testing.T) {
	h := newHarness(t)
	h.withTeam("data", func(t *triage.Team) { t.MembersAsk, t.AllowBots = true, true })
	root := h.ts()
	reply := func(channel, user, text, subtype string) map[string]any {
		ev := h.message(channel, user, text, h.ts(), root)
		if subtype != "" {
			ev["subtype"] = subtype
		}
		if subtype == "bot_message" {
			ev["bot_id"] = "B0OTHER"
		}
		return ev
	}
	tests := []map[string]any{
		reply(dataHelp, outsider, "the db is still slow", ""),
		reply(dataHelp, "U0DATA003", "I restarted the db, is it better?", ""),
		reply(dataHelp, outsider, "also the nightly export failed", "thread_broadcast"),
		reply(dataHelp, outsider, "here is the log", "file_share"),
		reply(dataHelp, outsider, "deploy finished", "bot_message"),
		reply(platHelp, outsider, "the staging deploy is stuck too", ""),
		reply(platHelp, outsider, "and the build cache is broken", "thread_broadcast"),
		reply("D0OUTSIDER", outsider, "the vpn is down", ""),
	}
	for i, ev := range tests {
		h.event("EvReply"+strconv.Itoa(i), ev)
	}
	h.settled()
	if rs := h.requests(); len(rs) != 0 {
		t.Fatalf("thread replies made %d requests, first %q", len(rs), rs[0].Summary)
	}
	if n := len(h.fake.OKCalls("chat.postMessage")); n != 0 {
		t.Fatalf("thread replies made %d posts", n)
	}
}
