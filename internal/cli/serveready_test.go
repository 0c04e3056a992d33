package cli

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
)

// TestReadyMeansServing asks /readyz as often as it can while serve
// starts, and uses serve the moment it first says ready, as a load
// balancer and an operator's `kill -HUP` do: Slack's routes answer (an
// unsigned event is refused, not missing) and SIGHUP reloads the config
// instead of ending the process. Ready came before both, so under load
// TestMetricsCoverTheDashboardAndAlerts got a 404 and TestReloadOnSIGHUP's
// serve was killed by its SIGHUP.
func TestReadyMeansServing(t *testing.T) {
	for range 3 {
		s := newHTTPServe(t)
		s.cmd = exec.Command(s.bin, "serve", "--config", s.cfg)
		s.cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET="+e2eSecret, "JIRA_API_TOKEN="+jirafake.Token)
		s.logs = &syncBuffer{}
		s.cmd.Stderr = s.logs
		if err := s.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmd := s.cmd
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for deadline := time.Now().Add(30 * time.Second); ; {
			resp, err := http.Get(s.url + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("serve not ready within 30s:\n%s", s.logs.String())
			}
		}
		s.cmd.Process.Signal(syscall.SIGHUP)
		resp, err := http.Post(s.url+"/slack/events", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatalf("an event right after ready: %v\n%s", err, s.logs.String())
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("an unsigned event right after ready: status %d, want 401 from Slack's routes", resp.StatusCode)
		}
		s.waitLog("config reloaded")
		s.cmd.Process.Signal(syscall.SIGTERM)
		if err := s.cmd.Wait(); err != nil {
			t.Fatalf("serve after a SIGHUP and a SIGTERM: %v\n%s", err, s.logs.String())
		}
	}
}
