package cli

import (
	"context"
	"errors"
	"log/slog"
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

// gatedLoader is a similar-request index whose build ends when release is
// closed, with err.
type gatedLoader struct {
	release chan struct{}
	err     error
}

func (g *gatedLoader) Load(ctx context.Context) error {
	<-g.release
	return g.err
}

// TestNotReadyWhileIndexing holds the similar-request index's build and
// asks /readyz's checks meanwhile: not ready, saying why, until the build
// ends, whether it succeeds or fails (the first lookup then tries again,
// and a replica that never said ready would never get traffic); the
// channel that holds back Socket Mode's connection closes then too. Ready
// during the build, serve took Slack's first events while it walked every
// stored request, and their acks' p99 was 4 to 15 times the empty store's
// (issue 12).
func TestNotReadyWhileIndexing(t *testing.T) {
	for _, fail := range []error{nil, errors.New("disk on fire")} {
		health := &readiness{}
		health.add("store", func() error { return nil })
		health.authed.Store(true)
		health.serving.Store(true)
		l := &gatedLoader{release: make(chan struct{}), err: fail}
		build, built := indexSimilar(context.Background(), l, health, slog.New(slog.DiscardHandler))
		done := make(chan struct{})
		go func() {
			build()
			close(done)
		}()
		if got := health.problem(); !strings.HasPrefix(got, "similar requests: ") {
			t.Errorf("while indexing (build error %v): /readyz says %q, want not ready for the similar requests", fail, got)
		}
		select {
		case <-built:
			t.Fatal("the build's channel closed before the build ended")
		default:
		}
		close(l.release)
		<-done
		<-built
		if got := health.problem(); got != "" {
			t.Errorf("once indexed (build error %v): /readyz says %q, want ready", fail, got)
		}
	}
}
