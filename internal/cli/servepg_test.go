package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/internal/testlog"
)

// pgProxy forwards TCP connections to the test cluster's Unix socket, so
// that a test can take "the database" away and bring it back.
type pgProxy struct {
	t      *testing.T
	addr   string // 127.0.0.1:port
	socket string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

// newPGProxy reserves a port for the database behind pgURL (a pgtest
// URL) and returns the proxy, down, with a URL through it that carries pw.
func newPGProxy(t *testing.T, pgURL, pw string) (*pgProxy, string) {
	t.Helper()
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{t: t, addr: l.Addr().String(), socket: filepath.Join(u.Query().Get("host"), ".s.PGSQL.5432")}
	l.Close()
	t.Cleanup(p.down)
	return p, fmt.Sprintf("postgres://postgres:%s@%s%s?sslmode=disable&connect_timeout=5", pw, p.addr, u.Path)
}

func (p *pgProxy) up() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("unix", p.socket)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// down refuses new connections and cuts the open ones, as a database
// that went away would.
func (p *pgProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// inProcessServe runs serve in this process on the example config turned
// to HTTP mode and PostgreSQL at dbURL, and returns its base URL, its log
// and a stop that waits for it to exit.
func inProcessServe(t *testing.T, fake *slackfake.Server, dbURL string) (base string, logs *testlog.Buffer, stop func() int) {
	t.Helper()
	base, cfg := httpConfig(t, t.TempDir(), fake, onPostgres("${DATABASE_URL}"))
	vars := map[string]string{"SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": e2eSecret, "DATABASE_URL": dbURL}
	logs = &testlog.Buffer{}
	env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs,
		Getenv: func(k string) string { return vars[k] }, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- Main(ctx, []string{"serve", "--config", cfg, "--log-format", "text"}, env) }()
	stop = sync.OnceValue(func() int { cancel(); return <-code })
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

// readyz returns /readyz's status and body, 0 when nothing answers.
func readyz(base string) (int, string) {
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// postEvent posts a signed Events API callback and returns the status.
func postEvent(t *testing.T, base, id string, inner map[string]any) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": id, "team_id": "T123", "event": inner})
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(body))
	slackfake.SignRequest(req, e2eSecret, time.Now(), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond every 20ms for up to limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
	}
}

// TestServePostgresFaults is the "bad input and faults" case of the
// PostgreSQL driver: serve starts while the database is unreachable and
// says why on /readyz and in the log, comes up when it appears, answers
// Slack with an error while it is gone mid-run (so Slack retries), takes
// the retry once it is back, and never shows the password.
func TestServePostgresFaults(t *testing.T) {
	const pw = "Db-Passw0rd-never-logged"
	proxy, dbURL := newPGProxy(t, pgtest.DB(t), pw)
	fake := slackfake.New(t)
	ts := fmt.Sprintf("%d.000100", time.Now().Unix())
	fake.AddMessage("C0PLATHELP", slack.Message{Msg: slack.Msg{Type: "message", User: "U0PAY001",
		Text: "the payments canary deploy is stuck", Timestamp: ts}})
	base, logs, stop := inProcessServe(t, fake, dbURL)
	var bodies strings.Builder

	waitFor(t, 20*time.Second, "/readyz says the database is unreachable", func() bool {
		code, body := readyz(base)
		bodies.WriteString(body)
		return code == http.StatusServiceUnavailable && strings.Contains(body, "store: PostgreSQL unreachable")
	})
	if !strings.Contains(logs.String(), "PostgreSQL unreachable; retrying") {
		t.Fatalf("the log does not say why serve waits:\n%s", logs.String())
	}

	proxy.up()
	waitFor(t, 30*time.Second, "ready once the database is back", func() bool {
		code, body := readyz(base)
		bodies.WriteString(body)
		return code == http.StatusOK
	})
	reaction := func(ts string) map[string]any {
		return map[string]any{"type": "reaction_added", "user": "U0PLAT002", "reaction": "ticket", "item_user": "U0PAY001",
			"item": map[string]any{"type": "message", "channel": "C0PLATHELP", "ts": ts}}
	}
	if code := postEvent(t, base, "EvUp", reaction(ts)); code != http.StatusOK {
		t.Fatalf("event with the database up: status %d", code)
	}
	waitFor(t, 20*time.Second, "the ticket posted in the thread", func() bool {
		return strings.Contains(threadText(fake, "C0PLATHELP", ts), "REQ-")
	})

	proxy.down()
	ts2 := fmt.Sprintf("%d.000200", time.Now().Unix())
	fake.AddMessage("C0PLATHELP", slack.Message{Msg: slack.Msg{Type: "message", User: "U0PAY001",
		Text: "the staging database is read-only", Timestamp: ts2}})
	if code := postEvent(t, base, "EvDown", reaction(ts2)); code/100 == 2 {
		t.Fatalf("event with the database gone: status %d, want an error so that Slack retries", code)
	}
	code, body := readyz(base)
	bodies.WriteString(body)
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(body, "store: ") {
		t.Fatalf("/readyz with the database gone: %d %q", code, body)
	}

	proxy.up()
	waitFor(t, 20*time.Second, "Slack's retry taken once the database is back", func() bool {
		return postEvent(t, base, "EvDown", reaction(ts2)) == http.StatusOK
	})
	waitFor(t, 20*time.Second, "the retried event's ticket", func() bool {
		return strings.Contains(threadText(fake, "C0PLATHELP", ts2), "REQ-")
	})
	if code := stop(); code != ExitOK {
		t.Fatalf("serve exit %d:\n%s", code, logs.String())
	}
	if all := logs.String() + bodies.String(); strings.Contains(all, pw) {
		t.Fatalf("the password shows in the log or /readyz:\n%s", all)
	}
}
