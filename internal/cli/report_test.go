package cli

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
)

// reportStore seeds a store with 12 requests of team platform in week
// 2026-W47 and returns the config that reads it.
func reportStore(t *testing.T) (dir, cfg string) {
	t.Helper()
	dir = t.TempDir()
	seedStore(t, filepath.Join(dir, "sg.db"), 12)
	return dir, storeConfig(t, dir)
}

var tableIDRE = regexp.MustCompile(`<table id="([a-z-]+)">\s*<caption>`)

func TestReportHTML(t *testing.T) {
	_, cfg := reportStore(t)
	code, out, errs := run(t, "report", "--config", cfg, "--team", "platform", "--week", "2026-W47", "--format", "html")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "<title>Interrupt report: platform, 2026-W47</title>") {
		t.Errorf("not the platform page: %.200s", out)
	}
	ids := tableIDRE.FindAllStringSubmatch(out, -1)
	if len(ids) != 14 || ids[0][1] != "by-urgency" {
		t.Errorf("%d captioned tables, want 14 starting with by-urgency", len(ids))
	}
	if !strings.Contains(out, `<img id="chart" src="data:image/png;base64,`) {
		t.Error("no inline chart")
	}
	if !strings.Contains(out, "<li><strong>Requests this week:</strong> 12 (") {
		t.Error("the page does not count the 12 requests")
	}
}

func TestReportPNGPerTeam(t *testing.T) {
	dir, cfg := reportStore(t)
	target := filepath.Join(dir, "report.png")
	code, out, errs := run(t, "report", "--config", cfg, "--week", "2026-W47", "--format", "png", "-o", target)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, team := range []string{"platform", "data"} {
		file := filepath.Join(dir, "report-"+team+".png")
		if !strings.Contains(out, "wrote "+file+"\n") {
			t.Errorf("output does not name %s:\n%s", file, out)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if s := img.Bounds().Size(); s.X != 1200 || s.Y != 700 {
			t.Errorf("%s is %v, want 1200x700", file, s)
		}
	}
	if _, err := os.Stat(target); err == nil {
		t.Errorf("%s written although there are two teams", target)
	}

	one := filepath.Join(dir, "one.png")
	if code, _, errs := run(t, "report", "--config", cfg, "--team", "platform", "--week", "2026-W47", "--format", "png", "-o", one); code != ExitOK {
		t.Fatalf("one team: exit %d: %s", code, errs)
	}
	if b, err := os.ReadFile(one); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("one team's PNG not at -o: %v", err)
	}
}

func TestReportFormatUsage(t *testing.T) {
	_, cfg := reportStore(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"png to a terminal", []string{"--format", "png"}, "give -o FILE.png"},
		{"png to stdout", []string{"--format", "png", "-o", "-"}, "give -o FILE.png"},
		{"html of several teams to stdout", []string{"--format", "html"}, "with 2 teams: give -o FILE"},
		{"unknown format", []string{"--format", "pdf"}, "use text, md, json, csv, html, png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, append([]string{"report", "--config", cfg, "--week", "2026-W47"}, tt.args...)...)
			if code != ExitUsage || !strings.Contains(errs, tt.want) || out != "" {
				t.Errorf("exit %d, stdout %d bytes, stderr %q; want usage error with %q", code, len(out), errs, tt.want)
			}
		})
	}
}

func TestReportCSV(t *testing.T) {
	_, cfg := reportStore(t)
	code, out, errs := run(t, "report", "--config", cfg, "--week", "2026-W47", "--format", "csv")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for i, r := range rows {
		if i > 0 && r[0] == "team" {
			t.Errorf("header repeated at row %d", i)
		}
		found[strings.Join(r[:1], "")] = true
		if r[0] == "platform" && r[2] == "volume" && r[3] == "total" && r[4] != "12" {
			t.Errorf("platform volume %q, want 12", r[4])
		}
	}
	if !found["team"] || !found["platform"] || !found["data"] {
		t.Errorf("teams in the CSV: %v", found)
	}
}

func TestTeamFile(t *testing.T) {
	tests := []struct{ path, team, want string }{
		{"report.png", "platform", "report-platform.png"},
		{"out/r.html", "data", "out/r-data.html"},
		{"noext", "web", "noext-web"},
		{"r.png", "../../etc/x y", "r-------etc-x-y.png"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := teamFile(tt.path, tt.team); got != tt.want {
				t.Errorf("teamFile(%q, %q) = %q, want %q", tt.path, tt.team, got, tt.want)
			}
		})
	}
}

func TestReplayHTMLDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo-out")
	code, _, errs := run(t, "replay", "--config", repo("examples", "sprintguard.yaml"),
		"--export", repo("examples", "slack-export"), "--html-dir", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, team := range []string{"platform", "data"} {
		file := filepath.Join(dir, "report-"+team+".html")
		// The export ends on Friday 6 November: W45 is cut short, so the
		// last full week is W44.
		if !strings.Contains(errs, "wrote "+file+" ("+team+", 2026-W44)\n") {
			t.Errorf("stderr does not name %s:\n%s", file, errs)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		if !strings.Contains(page, "<title>Interrupt report: "+team+", 2026-W44</title>") ||
			len(tableIDRE.FindAllString(page, -1)) != 14 {
			t.Errorf("%s is not the W44 page with its 14 tables", file)
		}
	}
}

// With a bot token, `report` names requesters by their Slack display
// names; without one it shows their user ids.
func TestReportNamesRequesters(t *testing.T) {
	dir, plain := reportStore(t)
	fake := slackfake.New(t)
	fake.AddUser(slack.User{ID: "U000", Name: "ada", Profile: slack.UserProfile{DisplayName: "Ada Zero"}})
	cfg, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	withToken := strings.Replace(string(cfg), "  bot_token: ${SLACK_BOT_TOKEN:-}", "  bot_token: xoxb-test-token", 1)
	withToken = strings.Replace(withToken, "  api_url: https://slack.com/api/", "  api_url: "+fake.APIURL(), 1)
	named := writeFile(t, dir, "named.yaml", withToken)
	for _, format := range []string{"text", "md", "json", "csv", "html"} {
		t.Run(format, func(t *testing.T) {
			code, out, errs := run(t, "report", "--config", named, "--team", "platform", "--week", "2026-W47", "--format", format)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			// U001 is unknown to Slack and stays an id.
			if !strings.Contains(out, "Ada Zero") || !strings.Contains(out, "U001") {
				t.Errorf("report does not name Ada Zero and show U001:\n%.3000s", out)
			}
			code, out, errs = run(t, "report", "--config", plain, "--team", "platform", "--week", "2026-W47", "--format", format)
			if code != ExitOK || strings.Contains(out, "Ada Zero") || !strings.Contains(out, "U000") {
				t.Errorf("without a token: exit %d, want user ids:\n%.3000s%s", code, out, errs)
			}
		})
	}
}
