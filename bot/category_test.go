package bot_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// The on-call files a request under another category from the DM: once
// however often the select fires, with a thread line, every post updated
// and one label stored; a category the team does not know is refused.
func TestOnCallChangesTheCategory(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "the airflow scheduler is stuck", ts, ""))
	r := h.ticketed(1)[0]
	dm := h.fake.DM(r.Assignee)
	h.waitFor("the on-call DM", func() bool { return len(h.fake.Messages(dm)) == 1 })
	dmTS := h.fake.Messages(dm)[0].Timestamp
	if !strings.Contains(h.posts(dm)[0], render.ActionCategory) {
		t.Fatalf("on-call DM lacks the category select: %s", h.posts(dm)[0])
	}
	var to string
	for _, c := range h.svc.Settings().Team(r.Team).Categories() {
		if c != r.CategoryNow() {
			to = c
			break
		}
	}
	id := strconv.FormatInt(r.ID, 10)
	pick := slack.BlockAction{ActionID: render.ActionCategory, SelectedOption: slack.OptionBlockObject{Value: id + ":" + to}}
	h.click(r.Assignee, dm, dmTS, pick)
	h.click(r.Assignee, dm, dmTS, pick)
	line := "Category changed to " + to + " by <@" + r.Assignee + ">"
	h.waitFor("the thread line", func() bool { return len(h.postsWith(dataHelp, line)) == 1 })
	h.waitFor("the DM showing the new category", func() bool {
		m, _ := h.fake.Message(dm, dmTS)
		return initialOption(t, m, render.ActionCategory) == id+":"+to
	})

	// A made-up option is explained to the clicker and changes nothing.
	// It is answered after the second pick above, so that one is done too.
	h.click(r.Assignee, dm, dmTS, slack.BlockAction{ActionID: render.ActionCategory, SelectedOption: slack.OptionBlockObject{Value: id + ":coffee"}})
	h.waitFor("the explanation", func() bool { return len(h.fake.OKCalls("chat.postEphemeral")) == 1 })
	if got := h.fake.OKCalls("chat.postEphemeral")[0].Form.Get("text"); !strings.Contains(got, `"coffee" is not a category`) {
		t.Errorf("explanation %q", got)
	}
	if got := h.requests()[0].CategoryNow(); got != to {
		t.Errorf("category now %q, want %q", got, to)
	}
	if n := len(h.postsWith(dataHelp, "Category changed")); n != 1 {
		t.Errorf("%d thread lines about the category, want 1", n)
	}
	var labels []triage.Label
	err := h.db.View(func(tx triage.Tx) error {
		return tx.Labels(r.Team, func(l triage.Label) error {
			labels = append(labels, l)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 1 || labels[0].Kind != triage.ActCategory || labels[0].To != to {
		t.Errorf("labels %+v, want one category change to %s", labels, to)
	}
}

// initialOption returns the value of the initial option of the select
// with actionID in m's blocks, or "".
func initialOption(t *testing.T, m slack.Message, actionID string) string {
	t.Helper()
	var blocks []struct {
		Elements []struct {
			ActionID      string `json:"action_id"`
			InitialOption *struct {
				Value string `json:"value"`
			} `json:"initial_option"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(blocksJSON(m)), &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == actionID && e.InitialOption != nil {
				return e.InitialOption.Value
			}
		}
	}
	return ""
}
