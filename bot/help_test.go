package bot_test

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// helpExample matches each example `/sg help` prints.
var helpExample = regexp.MustCompile("e\\.g\\. `/sg ([^`]+)`")

// Every example that `/sg help` prints does what it says when a lead runs
// it, with @names escaped as Slack sends them (should_escape).
func TestEveryHelpExampleRuns(t *testing.T) {
	h := newHarness(t)
	help := h.command(platLead, platHelp, "help", "trig-help")
	if help == nil {
		t.Fatal("no answer to help")
	}
	examples := helpExample.FindAllStringSubmatch(help.Text, -1)
	if len(examples) < 4 {
		t.Fatalf("help prints %d examples, want at least 4:\n%s", len(examples), help.Text)
	}
	people := strings.NewReplacer("@ann", "<@U0PLAT002|ann>", "@bob", "<@U0PLAT003|bob>")
	for i, m := range examples {
		text := people.Replace(html.UnescapeString(m[1]))
		t.Run(m[1], func(t *testing.T) {
			opened := len(h.fake.OKCalls("views.open"))
			ans := h.command(platLead, platHelp, text, "trig-example-"+strconv.Itoa(i))
			if ans == nil {
				// ask opens the request form after the acknowledgement.
				h.waitFor("the request form", func() bool { return len(h.fake.OKCalls("views.open")) > opened })
				return
			}
			for _, bad := range []string{"usage:", "makes sure every request", "Something went wrong", "not a user", "should_escape"} {
				if strings.Contains(ans.Text, bad) {
					t.Fatalf("/sg %s was refused:\n%s", text, ans.Text)
				}
			}
		})
	}
	// The swap example covered @ann with @bob from 10:00 Chicago time.
	var ovs int
	var start time.Time
	h.db.View(func(tx triage.Tx) error {
		os, err := tx.Overrides("platform", time.Time{})
		ovs = len(os)
		if len(os) > 0 {
			start = os[0].Start
		}
		return err
	})
	if ovs != 1 || start.In(mustChicago(t)).Hour() != 10 {
		t.Fatalf("%d overrides starting %v, want one from 10:00 in Chicago", ovs, start)
	}
}

func mustChicago(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
