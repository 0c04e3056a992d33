package cli

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/testlog"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
)

// serve in Socket Mode, with Slack refusing the app token at first: each
// failed connect is logged at error level with Slack's error code and the
// next try's time, /readyz fails while the socket is down, and the
// reconnects are counted; once Slack accepts the token the bot is ready.
func TestServeSocketModeFailuresAreVisible(t *testing.T) {
	s := newHTTPServe(t, func(cfg string) string { return strings.Replace(cfg, "  mode: http\n", "  mode: socket\n", 1) })
	s.fake.Fail("apps.connections.open", 2, "token_revoked")
	cmd := exec.Command(s.bin, "serve", "--config", s.cfg)
	cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_APP_TOKEN=xapp-e2e-secret", "JIRA_API_TOKEN="+jirafake.Token)
	logs := &testlog.Buffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	get := func(path string) (int, string) {
		resp, err := http.Get(s.url + path)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 60s\n%s", what, logs.String())
			}
		}
	}
	failed := regexp.MustCompile(`"level":"ERROR","msg":"socket mode connect failed".*"retry_at":"[^"]+".*"slack_error":"token_revoked"`)
	waitFor("the first failed connect logged", func() bool { return failed.MatchString(logs.String()) })
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "socket mode not connected") {
		t.Errorf("/readyz while the socket is down: %d %q", code, body)
	}
	waitFor("ready once Slack accepts the token", func() bool { code, _ := get("/readyz"); return code == http.StatusOK })
	if n := len(failed.FindAllString(logs.String(), -1)); n != 2 {
		t.Errorf("%d failed connects logged, want 2:\n%s", n, logs.String())
	}
	if _, metrics := get("/metrics"); !strings.Contains(metrics, "\nsprintguard_socket_reconnects_total 2\n") {
		t.Errorf("/metrics does not count 2 reconnects:\n%s", regexp.MustCompile(`(?m)^sprintguard_socket.*$`).FindString(metrics))
	}
	if strings.Contains(logs.String(), "xapp-e2e-secret") {
		t.Error("the log holds the app token")
	}
}
