package report

import (
	"encoding/base64"
	"html"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// htmlTableIDs are the tables every page has, in order.
var htmlTableIDs = []string{"by-urgency", "by-category", "by-requester-team", "top-requesters", "outcomes",
	"ticketed-by", "budget", "trend", "burn-up", "response-times", "sla-breaches", "overrides",
	"false-emergencies", "per-day", "overridden-rules"}

var (
	tableRE = regexp.MustCompile(`(?s)<table id="([^"]+)">\s*<caption>([^<]+)</caption>(.*?)</table>`)
	rowRE   = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE  = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
)

// htmlTables returns each table's rows of unescaped cells, header first, by id.
func htmlTables(t *testing.T, page string) (ids []string, tables map[string][][]string) {
	t.Helper()
	tables = map[string][][]string{}
	for _, m := range tableRE.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
		if strings.TrimSpace(m[2]) == "" {
			t.Errorf("table %s has an empty caption", m[1])
		}
		var rows [][]string
		for _, r := range rowRE.FindAllStringSubmatch(m[3], -1) {
			var cells []string
			for _, c := range cellRE.FindAllStringSubmatch(r[1], -1) {
				cells = append(cells, html.UnescapeString(c[1]))
			}
			rows = append(rows, cells)
		}
		tables[m[1]] = rows
	}
	return ids, tables
}

func TestHTML(t *testing.T) {
	w := sampleReport(t)
	b, err := w.HTML()
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	ids, tables := htmlTables(t, page)
	if strings.Join(ids, " ") != strings.Join(htmlTableIDs, " ") {
		t.Errorf("tables %v, want %v", ids, htmlTableIDs)
	}
	for _, want := range []string{`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		"<title>Interrupt report: platform, 2026-W47</title>", `class="scroll"`, "system-ui"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Self-contained: nothing is fetched from elsewhere.
	for _, bad := range []string{"<script", "<link", `src="http`, "url(", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}

	urg := tables["by-urgency"]
	for i, k := range []string{"P1", "P2", "P3", "P4"} {
		if row := urg[i+1]; row[0] != k || row[1] != strconv.Itoa(w.ThisWeek.ByUrgency[k]) || row[2] != strconv.Itoa(w.Sprint.ByUrgency[k]) {
			t.Errorf("urgency row %q, want %s %d %d", row, k, w.ThisWeek.ByUrgency[k], w.Sprint.ByUrgency[k])
		}
	}
	if last := urg[len(urg)-1]; last[0] != "total" || last[1] != strconv.Itoa(w.ThisWeek.Requests) {
		t.Errorf("total row %q", last)
	}
	tops := tables["top-requesters"]
	if len(tops) != len(w.ThisWeek.TopRequesters)+1 {
		t.Fatalf("top requesters %q", tops)
	}
	for i, c := range w.ThisWeek.TopRequesters {
		if row := tops[i+1]; row[0] != c.Name || row[1] != strconv.Itoa(c.N) || row[2] != num(c.Budget) {
			t.Errorf("requester row %q, want %+v", row, c)
		}
	}
	if got, want := len(tables["sla-breaches"])-1, len(w.ThisWeek.SLABreaches.Items); got != want {
		t.Errorf("%d breach rows, want %d", got, want)
	}
	if got := tables["false-emergencies"]; len(got) != 3 || got[2][6] != "Need *prod* access | [now](http://x) <b>" {
		t.Errorf("emergencies %q", got)
	}
	if got := tables["trend"]; len(got) != 9 || got[8][0] != "2026-W47" || got[8][5] != num(w.Trend[7].BudgetUsed) {
		t.Errorf("trend %q", got)
	}
	if got := tables["budget"]; got[3][0] != "used (points)" || got[3][1] != num(w.SprintInfo.Used) {
		t.Errorf("budget %q", got)
	}
	if !strings.Contains(page, `<meter id="budget-gauge" min="0" max="12" value="7.5"`) {
		t.Error("no budget meter")
	}

	m := regexp.MustCompile(`<img id="chart" src="data:image/png;base64,([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no inline chart")
	}
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatalf("chart data: %v", err)
	}
	img, err := png.Decode(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("chart: %v", err)
	}
	if s := img.Bounds().Size(); strconv.Itoa(s.X) != m[2] || strconv.Itoa(s.Y) != m[3] {
		t.Errorf("chart is %v, img says %sx%s", s, m[2], m[3])
	}
	if !strings.Contains(m[4], "Mon 16 Nov 2") {
		t.Errorf("alt text %q does not describe the days", m[4])
	}
}

func TestHTMLEscapesUserText(t *testing.T) {
	tm := testTeam()
	tm.Name = `plat<b>form`
	attack := `<script>alert(1)</script>`
	reqs := []*triage.Request{
		req(1, nov(16, 9, 0), team(tm.Name), claimed(classifier.P1), category(`"><img src=x onerror=alert(2)>`),
			by("U1", `<img src=y onerror=alert(3)>`, `</table><script>x()</script>`),
			func(r *triage.Request) { r.Summary = attack }),
	}
	w := Compute(Data{Team: tm, Week: w47, Now: nov(23, 9, 0), Requests: reqs})
	b, err := w.html(smallChart, smallChart*7/12)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script", "<img src=x", "<img src=y", "<b>form", `"><img`} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	_, tables := htmlTables(t, page)
	if got := tables["false-emergencies"]; len(got) != 2 || got[1][6] != attack || got[1][5] != `<img src=y onerror=alert(3)>` {
		t.Errorf("escaped text does not read back: %q", got)
	}
	if got := tables["by-requester-team"]; len(got) != 2 || got[1][0] != `</table><script>x()</script>` {
		t.Errorf("requesting team %q", got)
	}
	if !strings.Contains(page, "<title>Interrupt report: plat&lt;b&gt;form, 2026-W47</title>") {
		t.Error("team name not escaped in the title")
	}
}

func TestHTMLEdgeCases(t *testing.T) {
	noCal := testTeam()
	noCal.Calendar = sprint.Calendar{}
	tests := []struct {
		name string
		d    Data
		want []string
	}{
		{"empty week", Data{Team: testTeam(), Week: w47, Now: nov(23, 9, 0)},
			[]string{`<td class="none" colspan="3">None.</td>`, "0 of 12 points used (0%)"}},
		{"no calendar", Data{Team: noCal, Week: w47, Now: nov(23, 9, 0)},
			[]string{"No sprint calendar configured.", "<strong>Budget:</strong> no sprint calendar configured"}},
		{"week in progress", Data{Team: testTeam(), Week: w47, Now: nov(18, 14, 30)},
			[]string{`<p class="warn">Week in progress: counted up to Wed 18 Nov 14:30 CST</p>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Compute(tt.d).html(smallChart, smallChart*7/12)
			if err != nil {
				t.Fatal(err)
			}
			page := string(b)
			if ids, _ := htmlTables(t, page); len(ids) != len(htmlTableIDs) {
				t.Errorf("%d tables, want %d", len(ids), len(htmlTableIDs))
			}
			for _, want := range tt.want {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}
