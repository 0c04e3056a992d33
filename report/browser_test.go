//go:build unix

package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// chromium returns the headless browser to test with. Without one the test
// is skipped, except in CI (CI or SPRINTGUARD_REQUIRE_CHROMIUM=1 set),
// where .ci/run installs it and a skip would hide a broken page.
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("SPRINTGUARD_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium", "google-chrome"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" || os.Getenv("SPRINTGUARD_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium is not installed, and CI or SPRINTGUARD_REQUIRE_CHROMIUM=1 requires it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed (apt-get install chromium); set SPRINTGUARD_REQUIRE_CHROMIUM=1 to make this a failure")
	return ""
}

// harness loads the report twice in same-origin frames, wide and phone
// sized, and writes what it finds into #result once everything has loaded:
// whether the chart decoded, its natural and shown size, the tables, and
// whether the page is wider than its viewport.
const harness = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harness</title></head>
<body>
<div id="result">pending</div>
<iframe id="wide" src="/report.html" style="width:1100px;height:900px;border:0"></iframe>
<iframe id="phone" src="/report.html" style="width:390px;height:844px;border:0"></iframe>
<script>
function probe(id) {
  const f = document.getElementById(id), d = f.contentDocument, w = f.contentWindow;
  const img = d.getElementById('chart');
  const ok = !!img && img.complete && img.naturalWidth > 0;
  const size = img ? img.naturalWidth + 'x' + img.naturalHeight : '0x0';
  const shown = img ? Math.round(img.getBoundingClientRect().width) : 0;
  const captioned = d.querySelectorAll('table > caption').length;
  return id + ' img-ok:' + ok + ' natural:' + size + ' shown:' + shown +
    ' tables:' + d.querySelectorAll('table').length + ' captioned:' + captioned +
    ' page:' + d.documentElement.scrollWidth + ' viewport:' + w.innerWidth;
}
window.addEventListener('load', function () {
  let out;
  try { out = probe('wide') + ';' + probe('phone'); } catch (e) { out = 'error: ' + e; }
  document.getElementById('result').textContent = out;
});
</script>
</body></html>`

var probeRE = regexp.MustCompile(`(\w+) img-ok:(\w+) natural:(\d+)x(\d+) shown:(\d+) tables:(\d+) captioned:(\d+) page:(\d+) viewport:(\d+)`)

func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	page, err := sampleReport(t).HTML()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, harness)
		case "/report.html":
			w.Write(page)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	dom := runChromium(t, bin, srv.URL+"/")
	m := regexp.MustCompile(`<div id="result">([^<]*)</div>`).FindSubmatch(dom)
	if m == nil || string(m[1]) == "pending" {
		t.Fatalf("the harness did not report; dumped DOM:\n%s", dom)
	}
	result := string(m[1])
	t.Log(result)
	probes := probeRE.FindAllStringSubmatch(result, -1)
	if len(probes) != 2 {
		t.Fatalf("result %q", result)
	}
	for _, p := range probes {
		n := func(i int) int { v, _ := strconv.Atoi(p[i]); return v }
		t.Run(p[1], func(t *testing.T) {
			if p[2] != "true" {
				t.Errorf("chart did not load: %s", result)
			}
			if n(3) != ChartWidth || n(4) != ChartHeight {
				t.Errorf("chart is %dx%d, want %dx%d", n(3), n(4), ChartWidth, ChartHeight)
			}
			if n(6) != len(htmlTableIDs) || n(7) != len(htmlTableIDs) {
				t.Errorf("%d tables, %d with captions; want %d", n(6), n(7), len(htmlTableIDs))
			}
			// Tables scroll inside their wrappers; the page itself must
			// not be wider than the screen, nor the chart.
			if page, view := n(8), n(9); page > view+1 || n(5) > view {
				t.Errorf("page %dpx and chart %dpx wide in a %dpx viewport", page, n(5), view)
			}
		})
	}
	if probes[1][1] != "phone" || probes[1][9] != "390" {
		t.Errorf("phone frame: %q", probes[1][0])
	}
}

// runChromium dumps the DOM of url after its scripts ran, giving up after
// 30 seconds. Chromium starts helper processes, so it runs in its own
// process group and the whole group is killed on timeout.
func runChromium(t *testing.T, bin, url string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-proxy-server", "--user-data-dir="+t.TempDir(), "--window-size=390,844",
		"--virtual-time-budget=5000", "--dump-dom", url)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		// Helpers that outlive the browser would keep the temp dirs busy.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("chromium did not finish within 30s; stderr:\n%s", stderr.Bytes())
	}
	if err != nil {
		t.Fatalf("chromium: %v; stderr:\n%s", err, stderr.Bytes())
	}
	return stdout.Bytes()
}
