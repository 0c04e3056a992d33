package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
)

// The ceiling's server runs in a child process of its own, as serve does:
// in this process it would share the senders' and the fake Web API's heap
// and their GC setting (sendersGCPercent), which serve does not, and the
// figures divide serve's rates by its.
const (
	// ceilingChildEnv, set to the signing secret, makes this program the
	// ceiling's server instead of the benchmark.
	ceilingChildEnv = "SLACKLOAD_CEILING_SECRET"
)

// ceilingChild serves the bare handler on a free loopback port, prints
// "listening ADDR" on stdout, and returns once stdin is closed: the parent
// closing its end, or dying, ends the child.
func ceilingChild(secret string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen for the ceiling server: %w", err)
	}
	v := &bot.Verifier{Secret: config.NewSecret(secret)}
	mux := http.NewServeMux()
	mux.Handle("POST /slack/events", v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})))
	// The same timeouts as serve's server.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Printf("listening %s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// ceilingServer is a running ceiling child.
type ceilingServer struct {
	cmd   *exec.Cmd
	stdin io.Closer
	addr  string
}

// startCeiling starts this program again as the ceiling's server, with
// the environment serve gets (GOGC and GOMAXPROCS as the user set them or
// Go's defaults), and waits for its address.
func startCeiling(ctx context.Context, key []byte) (*ceilingServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start the ceiling server: %w", err)
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), ceilingChildEnv+"="+string(key))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start the ceiling server: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start the ceiling server: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the ceiling server: %w", err)
	}
	c := &ceilingServer{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		c.stop()
		return nil, fmt.Errorf("start the ceiling server: it said %q, not \"listening ADDR\" (read: %v)", line, err)
	}
	c.addr = addr
	return c, nil
}

// stop ends the child and waits for it.
func (c *ceilingServer) stop() {
	c.stdin.Close()
	_ = c.cmd.Wait()
}
