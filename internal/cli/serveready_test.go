package cli

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
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
		s.launch()
		s.waitReady(0)
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
