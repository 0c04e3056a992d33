package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

func TestReplayIsDeterministic(t *testing.T) {
	args := []string{"replay", "--verbose", "--config", repo("examples", "sprintguard.yaml"), "--export", repo("examples", "slack-export")}
	code, first, errs := run(t, args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, second, _ := run(t, args...)
	if first != second {
		t.Fatal("two replays of the same export differ")
	}
	for _, want := range []string{"Team platform", "Team data", "Interrupt report", "Sprint"} {
		if !strings.Contains(first, want) {
			t.Errorf("replay output lacks %q", want)
		}
	}
}

// TestReplayCountsEveryRequest checks the request count against an
// independent count of top-level human messages in intake channels by
// people outside the channel's team (members_ask is off in the example).
func TestReplayCountsEveryRequest(t *testing.T) {
	code, out, errs := run(t, "replay", "--format", "json", "--config", repo("examples", "sprintguard.yaml"),
		"--export", repo("examples", "slack-export"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Requests int `json:"requests"`
		Teams    []struct {
			Team      string         `json:"team"`
			Requests  int            `json:"requests"`
			ByUrgency map[string]int `json:"by_urgency"`
			Sprints   []struct {
				Start, End    string
				Budget, Used  float64
				Accepted, Def int
			} `json:"sprints"`
			Decisions []struct {
				Channel, User, TS, Urgency, Category, Rule string
			} `json:"decisions"`
		} `json:"teams"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	exp, err := slackexport.Open(repo("examples", "slack-export"))
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Close()
	st, err := app.ExampleSettings()
	if err != nil {
		t.Fatal(err)
	}
	intake := map[string]*triage.Team{"platform-help": st.Team("platform"), "data-help": st.Team("data")}
	want := 0
	if _, err := exp.Walk(func(m slackexport.Message) error {
		team := intake[m.ChannelName]
		if team != nil && exp.IsTopLevelHuman(m) && !team.IsMember(m.User) && !strings.HasPrefix(strings.TrimSpace(m.Text), ":speech_balloon:") {
			want++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want < 300 || doc.Requests != want {
		t.Errorf("replay made %d requests, the export has %d top-level human messages in intake channels", doc.Requests, want)
	}
	if len(doc.Teams) != 2 {
		t.Fatalf("%d teams in the JSON, want 2", len(doc.Teams))
	}
	for _, tm := range doc.Teams {
		sum := 0
		for _, n := range tm.ByUrgency {
			sum += n
		}
		if len(tm.Decisions) != tm.Requests || sum != tm.Requests || len(tm.Sprints) < 5 {
			t.Errorf("team %s: %d requests, %d decisions, %d by urgency, %d sprints", tm.Team, tm.Requests, len(tm.Decisions), sum, len(tm.Sprints))
		}
		for _, d := range tm.Decisions {
			if d.Channel == "" || d.User == "" || d.TS == "" || d.Rule == "" || d.Urgency == "" {
				t.Errorf("team %s: incomplete decision %+v", tm.Team, d)
				break
			}
		}
	}
}

// TestReplayReportsMalformedFilesAndGoesOn breaks one day file of a copy of
// the sample export: the replay names the file and position and still
// replays every other day.
func TestReplayReportsMalformedFilesAndGoesOn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "export")
	if err := os.CopyFS(dir, os.DirFS(repo("examples", "slack-export"))); err != nil {
		t.Fatal(err)
	}
	days, _ := filepath.Glob(filepath.Join(dir, "platform-help", "*.json"))
	if len(days) < 10 {
		t.Fatalf("only %d platform-help days", len(days))
	}
	broken := days[3]
	if err := os.WriteFile(broken, []byte("[\n  {\"type\": \"message\", \"ts\": 12, \"text\": \"x\"},\n  {oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"replay", "--format", "json", "--config", repo("examples", "sprintguard.yaml")}
	code, out, errs := run(t, append(args, "--export", dir)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	name := filepath.Join("platform-help", filepath.Base(broken))
	if !regexp.MustCompile(regexp.QuoteMeta(name) + `:\d+:\d+: `).MatchString(errs) {
		t.Errorf("stderr does not name %s with line and column:\n%s", name, errs)
	}
	_, whole, _ := run(t, append(args, "--export", repo("examples", "slack-export"))...)
	var got, want struct{ Requests int }
	json.Unmarshal([]byte(out), &got)
	json.Unmarshal([]byte(whole), &want)
	if got.Requests == 0 || got.Requests >= want.Requests {
		t.Errorf("%d requests with a broken day, %d without: want fewer but not none", got.Requests, want.Requests)
	}
}

// TestReplaySummary checks that replay without --verbose, which `make demo`
// runs, prints one screen: requests by team and urgency as the JSON counts
// them, each team's budget per sprint, and where the full reports are.
func TestReplaySummary(t *testing.T) {
	args := []string{"replay", "--config", repo("examples", "sprintguard.yaml"), "--export", repo("examples", "slack-export")}
	code, out, errs := run(t, args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, "\n"); n >= 60 {
		t.Errorf("the summary has %d lines, want under 60:\n%s", n, out)
	}
	_, js, _ := run(t, append(args, "--format", "json")...)
	var doc struct {
		Teams []struct {
			Team      string         `json:"team"`
			Requests  int            `json:"requests"`
			ByUrgency map[string]int `json:"by_urgency"`
		} `json:"teams"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || len(doc.Teams) != 2 {
		t.Fatalf("json: %v, %d teams", err, len(doc.Teams))
	}
	for _, tm := range doc.Teams {
		row := regexp.MustCompile(fmt.Sprintf(`(?m)^  %s +%d +%d +%d +%d +%d$`, tm.Team,
			tm.ByUrgency["P1"], tm.ByUrgency["P2"], tm.ByUrgency["P3"], tm.ByUrgency["P4"], tm.Requests))
		if !row.MatchString(out) {
			t.Errorf("no urgency row for %s as the JSON counts it (%v, %d):\n%s", tm.Team, tm.ByUrgency, tm.Requests, out)
		}
		if !strings.Contains(out, "Sprint budget: "+tm.Team+" (points)") {
			t.Errorf("no sprint budget table for %s", tm.Team)
		}
	}
	for _, want := range []string{"Requests by team and urgency:", "add --verbose"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if strings.Contains(out, "Interrupt report") {
		t.Error("the summary holds the weekly reports, which are for --verbose")
	}
}

// TestDemoScoresTheExampleLabels: `make demo` replays the example export,
// whose labels.jsonl (written by hand for most of its requests) the
// replay scores the rules against, so the demo shows the eval figures
// for both teams without a --labels flag.
func TestDemoScoresTheExampleLabels(t *testing.T) {
	code, out, errs := run(t, "replay", "--config", repo("examples", "sprintguard.yaml"), "--export", repo("examples", "slack-export"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Rules against the labels in "+repo("examples", "slack-export", "labels.jsonl")) {
		t.Errorf("no eval section for the example's labels:\n%s", out)
	}
	for _, team := range []string{"platform", "data"} {
		row := regexp.MustCompile(`(?m)^  ` + team + ` +interrupt-or-not [0-9.]+%, urgency [0-9.]+%, category [0-9.]+% of ([0-9]+) labelled requests$`)
		m := row.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("no eval figures for %s:\n%s", team, out)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n < 100 {
			t.Errorf("%s: %d labelled requests, want a good share of the export (100 or more)", team, n)
		}
	}
}
