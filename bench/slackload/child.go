package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"
)

// benchConfig returns the example config changed to run serve in HTTP mode
// on listen, against the Web API at apiURL, with its store at dbPath.
// Everything else, the teams and rules above all, stays as documented.
func benchConfig(example []byte, apiURL, listen, dbPath string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(example, &doc); err != nil {
		return nil, fmt.Errorf("read example config: %w", err)
	}
	for _, s := range []struct{ path, value string }{
		{"slack.mode", "http"},
		{"slack.api_url", apiURL},
		{"server.listen", listen},
		// Any free port: the example's fixed one is taken by any other
		// serve on the machine, a second benchmark's included.
		{"server.admin_listen", "127.0.0.1:0"},
		{"storage.path", dbPath},
	} {
		if err := setScalar(&doc, s.path, s.value); err != nil {
			return nil, err
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return nil, fmt.Errorf("write config: %w", err)
	}
	return out, nil
}

// setScalar sets the existing scalar at a dotted path of mapping keys.
// A missing key is an error rather than an addition, so that a renamed
// setting fails the benchmark instead of being silently ignored.
func setScalar(doc *yaml.Node, path, value string) error {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, key := range strings.Split(path, ".") {
		if n = lookup(n, key); n == nil {
			return fmt.Errorf("config has no %s", path)
		}
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("config: %s is not a scalar", path)
	}
	n.Value, n.Tag, n.Style = value, "!!str", yaml.DoubleQuotedStyle
	return nil
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// freeAddr returns a loopback address no one listens on right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// child is the serve process under test. exited may be called from any
// goroutine; the other methods from one at a time.
type child struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
	err  error         // its exit status, once done is closed
}

// startServe runs `bin serve --config cfg` with env added to this
// process's environment and its output in logFile.
func startServe(bin, cfg string, env []string, logFile *os.File) (*child, error) {
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start serve: %w", err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// exited reports whether the process has ended.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// waitReady polls GET url until it answers 200, the process exits, or
// timeout passes.
func (c *child) waitReady(url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.done:
			return fmt.Errorf("serve exited before it was ready: %v", c.err)
		case <-ctx.Done():
			return fmt.Errorf("serve not ready after %v", timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop sends SIGTERM and waits for the exit, killing the process if it
// outlives grace. It returns the exit error of a process that did not end
// cleanly.
func (c *child) stop(grace time.Duration) error {
	if c.exited() {
		return fmt.Errorf("serve had already exited: %v", c.err)
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop serve: %w", err)
	}
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.done
		return fmt.Errorf("serve did not stop within %v of SIGTERM", grace)
	}
	if c.err != nil {
		return fmt.Errorf("serve exited: %w", c.err)
	}
	return nil
}

// signal sends sig to serve; a serve that has exited is left alone (the
// phase that follows reports it).
func (c *child) signal(sig os.Signal) {
	if c.exited() {
		return
	}
	_ = c.cmd.Process.Signal(sig)
}
