package report

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// sampleRequests is a busy week for the renderer tests.
func sampleRequests() []*triage.Request {
	q, h := 15*time.Minute, time.Hour
	return []*triage.Request{
		req(1, nov(16, 9, 5), urgency(classifier.P1), category("incident"), by("U2", "bob", "web"), sla(q, 4*h),
			acked(20*time.Minute), resolved(5*h), estimate(3)),
		req(2, nov(16, 14, 0), category("deploy"), by("U2", "bob", "web"), acked(2*h), resolved(26*h), actual(1.5)),
		req(3, nov(17, 10, 0), by("U1", "alice", "data"), claimed(classifier.P1), acked(3*time.Minute)),
		req(4, nov(17, 11, 0), by("U3", "carol", ""), state(triage.Accepted, triage.StatusDeferred)),
		req(5, nov(18, 9, 0), urgency(classifier.P2), by("U4", "dave", "web"), sla(q, 0), changedTo(classifier.P1)),
		req(6, nov(19, 16, 0), urgency(classifier.P4), category("question"), by("U1", "alice", "data"),
			state(triage.Backlog, triage.StatusBacklog)),
		req(7, nov(20, 10, 0), by("U5", "erin", "mobile"), claimed(classifier.P2),
			func(r *triage.Request) { r.Summary = "Need *prod* access | [now](http://x) <b>" }),
		req(8, nov(21, 12, 0), by("U1", "alice", "data"), state(triage.NeedsApproval, triage.StatusPending)),
		req(9, nov(22, 18, 0), urgency(classifier.P2), category("deploy"), by("U3", "carol", ""),
			state(triage.Accepted, triage.StatusDeclined)),
		req(10, nov(10, 10, 0), category("infra"), by("U6", "frank", "ops"), estimate(2)),
		req(11, nov(3, 10, 0), category("infra"), by("U6", "frank", "ops")),
	}
}

func sampleReport(t *testing.T) *Weekly {
	t.Helper()
	return Compute(Data{Team: testTeam(), Week: w47, Requests: sampleRequests(), Now: nov(23, 9, 0)})
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"}, {45 * time.Second, "45s"}, {59*time.Second + 600*time.Millisecond, "1m"},
		{14 * time.Minute, "14m"}, {14*time.Minute + 29*time.Second, "14m"}, {59*time.Minute + 59*time.Second, "1h00m"},
		{3*time.Hour + 5*time.Minute, "3h05m"}, {23*time.Hour + 59*time.Minute + 40*time.Second, "1d"},
		{52 * time.Hour, "2d4h"}, {48 * time.Hour, "2d"}, {-time.Second, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatDuration(tt.in); got != tt.want {
				t.Errorf("FormatDuration(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// find returns the submatches of re in s as integers (non-numbers as -1).
func find(t *testing.T, s, re string) []float64 {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no line matches %s in:\n%s", re, s)
	}
	var out []float64
	for _, g := range m[1:] {
		v, err := strconv.ParseFloat(g, 64)
		if err != nil {
			v = -1
		}
		out = append(out, v)
	}
	return out
}

// textTable returns the lines of the text table under title, up to the
// next blank line, header first.
func textTable(t *testing.T, text, title string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(text, "\n"+title+"\n")
	if !ok {
		t.Fatalf("no section %q", title)
	}
	block, _, _ := strings.Cut(rest, "\n\n")
	return strings.Split(strings.TrimRight(block, "\n"), "\n")
}

func TestText(t *testing.T) {
	w := sampleReport(t)
	text := w.Text()
	p := w.ThisWeek
	if !strings.HasPrefix(text, "Interrupt report: platform, 2026-W47 (Mon 16 Nov – Sun 22 Nov 2026, America/Chicago)\n") {
		t.Errorf("header: %q", strings.SplitN(text, "\n", 2)[0])
	}
	got := find(t, text, `Requests this week: (\d+) \(P1 (\d+), P2 (\d+), P3 (\d+), P4 (\d+)\)   sprint to date: (\d+)`)
	want := []float64{float64(p.Requests), float64(p.ByUrgency["P1"]), float64(p.ByUrgency["P2"]),
		float64(p.ByUrgency["P3"]), float64(p.ByUrgency["P4"]), float64(w.Sprint.Requests)}
	if !reflect.DeepEqual(got, want) || p.Requests != 9 {
		t.Errorf("requests line %v, want %v", got, want)
	}
	got = find(t, text, `Outcomes: accepted (\d+), deferred (\d+), needs approval (\d+), backlog (\d+), declined (\d+)`)
	if want := []float64{5, 1, 1, 1, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	s := w.SprintInfo
	got = find(t, text, `Budget \(sprint (-?\d+), 16 Nov – 29 Nov\): ([\d.]+) of ([\d.]+) points used \((\d+)%\) \[(#*)-*\]  (\d+) days left`)
	bar := regexp.MustCompile(`\[(#*)(-*)\]`).FindStringSubmatch(text)
	if got[0] != float64(s.N) || got[1] != s.Used || got[2] != 12 || got[3] != math.Round(s.UsedRatio*100) ||
		got[5] != float64(s.DaysLeft) || len(bar[1]) != int(math.Round(s.UsedRatio*20)) || len(bar[1])+len(bar[2]) != 20 {
		t.Errorf("budget line %v, bar %q; sprint %+v", got, bar[0], s)
	}

	rows := textTable(t, text, "By category")
	for i, c := range p.ByCategory {
		f := strings.Fields(rows[i+1])
		if strings.Join(f[:len(f)-2], " ") != c.Name || f[len(f)-2] != strconv.Itoa(c.N) {
			t.Errorf("category row %q, want %s %d", rows[i+1], c.Name, c.N)
		}
	}
	for _, title := range []string{"By category", "By requesting team", "Requests per day", "8-week trend"} {
		rows := textTable(t, text, title)
		for _, r := range rows[1:] {
			if len(r) != len(rows[1]) {
				t.Errorf("%s: rows are not aligned:\n%s", title, strings.Join(rows, "\n"))
				break
			}
		}
	}
	rows = textTable(t, text, "Response times")
	for _, r := range rows[1:] {
		if strings.HasPrefix(r, "  acknowledge, week") {
			want := fmt.Sprintf("%d %s %s", p.Ack.N, FormatDuration(p.Ack.Median), FormatDuration(p.Ack.P90))
			if f := strings.Fields(r); strings.Join(f[2:], " ") != want {
				t.Errorf("ack row %q, want %s", r, want)
			}
		}
	}
	got = find(t, text, `SLA breaches: this week ack (\d+), resolve (\d+)`)
	if got[0] != float64(p.SLABreaches.Ack) || got[1] != float64(p.SLABreaches.Resolve) || got[0]+got[1] == 0 {
		t.Errorf("breaches %v, want %+v", got, p.SLABreaches)
	}
	for _, id := range p.SLABreaches.IDs {
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^  #%d +PLAT-%d `, id, id)).MatchString(text) {
			t.Errorf("breach #%d is not listed", id)
		}
	}
	got = find(t, text, `Urgency changed by a person: (\d+) of (\d+) \((\d+)%\) this week`)
	if got[0] != 1 || got[1] != 9 || got[2] != 11 {
		t.Errorf("overrides %v, want 1 of 9 (11%%)", got)
	}
	if find(t, text, `classified lower\) this week: (\d+)`)[0] != 2 || !regexp.MustCompile(`#7 +PLAT-7 +P2 +P3 +P3 +erin +Need`).MatchString(text) {
		t.Errorf("false emergencies not listed:\n%s", text)
	}
	days := textTable(t, text, "Requests per day")
	for i, d := range w.Days {
		f := strings.Fields(days[i+1])
		if f[len(f)-1] != strconv.Itoa(d.Requests) || f[0]+" "+f[1]+" "+f[2] != day(d.Start) {
			t.Errorf("day row %q, want %s with %d", days[i+1], day(d.Start), d.Requests)
		}
	}
	if trend := textTable(t, text, "8-week trend"); len(trend) != 9 || !strings.HasPrefix(trend[8], "  2026-W47  2026-11-16") {
		t.Errorf("trend table:\n%s", strings.Join(trend, "\n"))
	}
}

// mdTable returns the cells of the Markdown table under heading, splitting
// rows on unescaped pipes.
func mdTable(t *testing.T, md, heading string) [][]string {
	t.Helper()
	_, rest, ok := strings.Cut(md, "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("no heading %q", heading)
	}
	var out [][]string
	split := regexp.MustCompile(`\s*(?:^|[^\\])\|\s*`)
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			if len(out) > 0 {
				break
			}
			continue
		}
		cells := split.Split(" "+line, -1)
		out = append(out, cells[1:len(cells)-1])
	}
	return out
}

func TestMarkdown(t *testing.T) {
	w := sampleReport(t)
	md := w.Markdown()
	p := w.ThisWeek
	if !strings.HasPrefix(md, "# Interrupt report: platform, 2026-W47\n") {
		t.Errorf("title: %q", strings.SplitN(md, "\n", 2)[0])
	}
	if got := find(t, md, `\*\*Requests this week:\*\* (\d+) \(P1 (\d+)`); got[0] != 9 || got[1] != float64(p.ByUrgency["P1"]) {
		t.Errorf("requests bullet %v", got)
	}
	if !strings.Contains(md, "`"+bar(w.SprintInfo.UsedRatio)+"`") {
		t.Error("budget bar is not code")
	}
	cats := mdTable(t, md, "By category")
	if len(cats) != len(p.ByCategory)+2 || cats[1][1] != "---:" {
		t.Fatalf("category table %q", cats)
	}
	for i, c := range p.ByCategory {
		if row := cats[i+2]; row[0] != mdEscape.Replace(c.Name) || row[1] != strconv.Itoa(c.N) {
			t.Errorf("row %q, want %s %d", row, c.Name, c.N)
		}
	}
	em := mdTable(t, md, "Emergencies that weren't")
	if len(em) != 4 {
		t.Fatalf("emergency table %q", em)
	}
	for _, row := range em {
		if len(row) != 7 {
			t.Errorf("row %q has %d cells, want 7: user text broke the table", row, len(row))
		}
	}
	if want := `Need \*prod\* access \| \[now\](http://x) &lt;b&gt;`; em[3][6] != want {
		t.Errorf("summary cell %q, want %q", em[3][6], want)
	}
	trend := mdTable(t, md, "8-week trend")
	if len(trend) != 10 || trend[9][0] != "2026-W47" || trend[9][2] != "9" {
		t.Errorf("trend %q", trend)
	}
}

func TestJSON(t *testing.T) {
	w := sampleReport(t)
	b, err := w.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Weekly
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if back.ThisWeek.Ack != w.ThisWeek.Ack || back.Sprint.Resolve != w.Sprint.Resolve || w.ThisWeek.Ack.N == 0 {
		t.Errorf("durations %+v / %+v, want %+v / %+v", back.ThisWeek.Ack, back.Sprint.Resolve, w.ThisWeek.Ack, w.Sprint.Resolve)
	}
	if !reflect.DeepEqual(back.ThisWeek.SLABreaches.Items, w.ThisWeek.SLABreaches.Items) {
		t.Errorf("breaches %+v, want %+v", back.ThisWeek.SLABreaches.Items, w.ThisWeek.SLABreaches.Items)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"counts", back.ThisWeek.ByCategory, w.ThisWeek.ByCategory},
		{"outcomes", back.ThisWeek.Outcomes, w.ThisWeek.Outcomes},
		{"emergency urgencies", back.ThisWeek.FalseEmergencies[1].Claimed, classifier.P2},
		{"sprint used", back.SprintInfo.Used, w.SprintInfo.Used},
		{"burn-up", back.BurnUp, w.BurnUp},
		{"week start", back.Start.Equal(w.Start), true},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	ack := raw["this_week"].(map[string]any)["ack"].(map[string]any)
	if ack["median_seconds"] != w.ThisWeek.Ack.Median.Seconds() || ack["median"] != FormatDuration(w.ThisWeek.Ack.Median) {
		t.Errorf("ack in JSON: %v", ack)
	}
	if !strings.Contains(string(b), "\n  \"team\": \"platform\",\n") {
		t.Error("JSON is not indented")
	}
}

func TestRenderEdgeCases(t *testing.T) {
	noCal := testTeam()
	noCal.Calendar = sprint.Calendar{}
	long := strings.Repeat("word ", 40)
	tests := []struct {
		name string
		d    Data
		text []string // in Text
		md   []string // in Markdown
	}{
		{"empty week", Data{Team: testTeam(), Week: w47, Now: nov(23, 9, 0)},
			[]string{"Requests this week: 0 (P1 0, P2 0, P3 0, P4 0)", "By category\n  (none)\n", "0 of 12 points used (0%) [--------------------]"},
			[]string{"## By category\n\nNone.\n"}},
		{"over budget", Data{Team: testTeam(), Week: w47, Now: nov(23, 9, 0), Requests: []*triage.Request{
			req(1, nov(16, 9, 0), estimate(10)), req(2, nov(17, 9, 0), estimate(5), func(r *triage.Request) { r.OverBudget = true })}},
			[]string{"15 of 12 points used (125%) [####################]+  7 days left, over budget by 3 points, 1 accepted over budget"},
			[]string{"`[####################]+`"}},
		{"week in progress", Data{Team: testTeam(), Week: w47, Now: nov(18, 14, 30)},
			[]string{"Week in progress: counted up to Wed 18 Nov 14:30 CST\n"},
			[]string{"; week in progress, counted up to Wed 18 Nov 14:30 CST"}},
		{"no calendar", Data{Team: noCal, Week: w47, Now: nov(23, 9, 0)},
			[]string{"Budget: no sprint calendar configured\n"},
			[]string{"**Budget:** no sprint calendar configured"}},
		{"invalid urgency and long text", Data{Team: testTeam(), Week: w47, Now: nov(23, 9, 0), Requests: []*triage.Request{
			req(1, nov(16, 9, 0), func(r *triage.Request) { r.Urgency = 0 }, category(long), claimed(classifier.P1),
				func(r *triage.Request) { r.Decision.Urgency = classifier.P4; r.Summary = "line one\nline\ttwo" })}},
			[]string{"P4 0, unknown 1)", "\n  " + strings.Repeat("word ", 11) + "word…     1       1\n",
				"  -    alice      line one line two\n"},
			[]string{"| - | alice | line one line two |"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Compute(tt.d)
			text, md := w.Text(), w.Markdown()
			for _, want := range tt.text {
				if !strings.Contains(text, want) {
					t.Errorf("Text lacks %q:\n%s", want, text)
				}
			}
			for _, want := range tt.md {
				if !strings.Contains(md, want) {
					t.Errorf("Markdown lacks %q:\n%s", want, md)
				}
			}
			if _, err := w.JSON(); err != nil {
				t.Errorf("JSON: %v", err)
			}
		})
	}
}
