package cli

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/examples"
)

// storeConfig writes the example config with its database in dir.
func storeConfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := strings.NewReplacer("  path: sprintguard.db\n", "  path: "+filepath.Join(dir, "sg.db")+"\n",
		// Any free port, so that servers of tests running at once do not clash.
		`admin_listen: "127.0.0.1:8081"`, `admin_listen: "127.0.0.1:0"`).Replace(string(examples.Config))
	return writeFile(t, dir, "sprintguard.yaml", cfg)
}

func TestReportExportAndOncallFromTheStore(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, filepath.Join(dir, "sg.db"), 12)
	cfg := storeConfig(t, dir)

	code, out, errs := run(t, "report", "--config", cfg, "--team", "platform", "--week", "2026-W47", "--format", "json")
	if code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	var rep struct {
		Team     string `json:"team"`
		Week     string `json:"week"`
		ThisWeek struct {
			Requests int `json:"requests"`
		} `json:"this_week"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	if rep.Team != "platform" || rep.Week != "2026-W47" || rep.ThisWeek.Requests != 12 {
		t.Errorf("report %+v, want platform 2026-W47 with 12 requests", rep)
	}
	if code, out, _ := run(t, "report", "--config", cfg, "--week", "2026-W47", "--format", "md"); code != ExitOK || !strings.Contains(out, "|") {
		t.Errorf("markdown report: exit %d", code)
	}

	code, out, errs = run(t, "export", "--config", cfg, "--format", "csv")
	if code != ExitOK {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 13 || strings.Join(rows[0], ",") != strings.Join(exportColumns, ",") {
		t.Fatalf("export: %d rows, header %v", len(rows), rows[0])
	}
	if rows[1][1] != "platform" || rows[1][7] != "P3" || rows[1][10] != "open" {
		t.Errorf("first row %v", rows[1])
	}
	code, out, _ = run(t, "export", "--config", cfg, "--format", "jsonl")
	if lines := strings.Count(out, "\n"); code != ExitOK || lines != 12 {
		t.Errorf("jsonl export: exit %d, %d lines", code, lines)
	}
	first, _, _ := strings.Cut(out, "\n")
	var line map[string]any
	if err := json.Unmarshal([]byte(first), &line); err != nil {
		t.Fatalf("jsonl line: %v\n%s", err, first)
	}
	if len(line) != len(exportColumns) {
		t.Errorf("jsonl line has %d keys, the CSV %d columns: %s", len(line), len(exportColumns), first)
	}
	for _, k := range []string{"id", "sprint", "estimate"} {
		if _, ok := line[k].(float64); !ok {
			t.Errorf("%s = %#v, want a JSON number", k, line[k])
		}
	}
	if s, _ := line["created_at"].(string); s != "2026-11-17T16:00:00Z" {
		t.Errorf("created_at = %#v, want RFC 3339 in UTC", line["created_at"])
	}
	if v, ok := line["actual"]; !ok || v != nil {
		t.Errorf("actual = %#v, want null: no time was spent", v)
	}
	if line["team"] != "platform" || line["urgency"] != "P3" || line["ts"] != "1763395200.000000" {
		t.Errorf("strings: %s", first)
	}

	// 2026-11-17 is in handoff 45 since 2026-01-05: the rotation's first again.
	code, out, errs = run(t, "oncall", "--config", cfg, "--team", "platform", "--at", "2026-11-17T12:00")
	if code != ExitOK || !strings.Contains(out, "U0PLAT002") || !strings.Contains(out, "U0PLAT003") {
		t.Errorf("oncall: exit %d\n%s%s", code, out, errs)
	}
}

func TestReportWithoutStore(t *testing.T) {
	cfg := storeConfig(t, t.TempDir())
	code, _, errs := run(t, "report", "--config", cfg)
	if code != ExitFail || !strings.Contains(errs, "no database at") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
