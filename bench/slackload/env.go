package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/examples"
)

// benchEnv is the system under test: serve, its config and store, and the
// fake Web API it calls. Its methods are for one goroutine at a time.
type benchEnv struct {
	base                      int64 // unix seconds the event and message ts start from
	dir, bin, cfgPath, dbPath string
	logPath, listen, apiAddr  string
	fake                      *fakeSlack
	api                       *http.Server
	serve                     *child
	logFile                   *os.File
}

// startEnv starts the fake Web API and serve, and waits until serve is
// ready. key is the signing secret; profileEnv is added to serve's
// environment (the profiles it is to write, see profileVars).
func startEnv(dir, bin string, key []byte, profileEnv []string) (e *benchEnv, err error) {
	e = &benchEnv{base: time.Now().Unix(), dir: dir, bin: bin,
		cfgPath: filepath.Join(dir, "sprintguard.yaml"), dbPath: filepath.Join(dir, "sprintguard.db"),
		logPath: filepath.Join(dir, "serve.log")}
	defer func() {
		if err != nil {
			e.close()
		}
	}()
	if err := e.startAPI(); err != nil {
		return e, err
	}

	if e.listen, err = freeAddr(); err != nil {
		return e, err
	}
	cfg, err := benchConfig(examples.Config, "http://"+e.apiAddr+"/", e.listen, e.dbPath)
	if err != nil {
		return e, err
	}
	if err := os.WriteFile(e.cfgPath, cfg, 0o600); err != nil {
		return e, fmt.Errorf("write config: %w", err)
	}
	if e.logFile, err = os.Create(e.logPath); err != nil {
		return e, fmt.Errorf("create serve log: %w", err)
	}
	env := []string{"SLACK_BOT_TOKEN=xoxb-bench", "SLACK_SIGNING_SECRET=" + string(key), "SLACK_APP_TOKEN="}
	env = append(env, profileEnv...)
	if e.serve, err = startServe(bin, e.cfgPath, env, e.logFile); err != nil {
		return e, err
	}
	if err := e.serve.waitReady("http://"+e.listen+"/readyz", 30*time.Second); err != nil {
		return e, fmt.Errorf("%w (see %s)", err, e.logPath)
	}
	return e, nil
}

// startAPI serves the fake Web API on a loopback port.
func (e *benchEnv) startAPI() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen for the fake Web API: %w", err)
	}
	e.apiAddr = ln.Addr().String()
	e.fake = newFakeSlack(e.base)
	e.api = &http.Server{Handler: e.fake, ReadHeaderTimeout: 5 * time.Second}
	go e.api.Serve(ln)
	return nil
}

// close kills serve if it still runs and stops the fake Web API.
func (e *benchEnv) close() {
	if e.serve != nil && !e.serve.exited() {
		_ = e.serve.cmd.Process.Kill()
		<-e.serve.done
	}
	if e.api != nil {
		e.api.Close()
	}
	if e.logFile != nil {
		e.logFile.Close()
	}
}

// ceilingRun measures the ceiling: a bare net/http server on loopback, in
// a child process (startCeiling), that only verifies the signature and
// answers 200, sent the same events from the same number of senders, as
// fast as they go (rate 0) or at rate per second.
func ceilingRun(ctx context.Context, key []byte, gen events, first int64, dur time.Duration, senders int, rate float64) (*outcome, error) {
	c, err := startCeiling(ctx, key)
	if err != nil {
		return nil, err
	}
	defer c.stop()
	s := &sender{url: "http://" + c.addr + "/slack/events", secret: key, client: newClient(senders), gen: gen}
	if rate > 0 {
		return openLoop(ctx, s, first, rate, dur, senders), nil
	}
	return closedLoop(ctx, s, first, dur, senders), nil
}

// logLevels counts serve's JSON log lines by level and returns the first
// few distinct warnings and errors.
func logLevels(path string) (map[string]int, []string) {
	levels := map[string]int{}
	var samples []string
	f, err := os.Open(path)
	if err != nil {
		return levels, nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	seen := map[string]bool{}
	for sc.Scan() {
		var line struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
			Err   string `json:"err"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			levels["other"]++
			continue
		}
		levels[line.Level]++
		if line.Level != "INFO" && line.Level != "DEBUG" && !seen[line.Msg] && len(samples) < 5 {
			seen[line.Msg] = true
			samples = append(samples, fmt.Sprintf("%s: %s %s", line.Level, line.Msg, line.Err))
		}
	}
	return levels, samples
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
