package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/testlog"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
)

const e2eSecret = "e2e-signing-secret-0123456789abcdef"

// httpServe is `sprintguard serve` in HTTP mode against a Slack fake.
type httpServe struct {
	t        *testing.T
	bin, cfg string
	url, db  string
	cmd      *exec.Cmd
	fake     *slackfake.Server
	logs     *testlog.Buffer
	args     []string // more flags for serve
	env      []string // more environment for serve
}

// waitLog waits up to 30 s for want in the process's log: a line logged
// while answering a request may reach the pipe after the answer.
func (s *httpServe) waitLog(want string) {
	s.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(s.logs.String(), want); {
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q in the log:\n%s", want, s.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newHTTPServe(t *testing.T, edits ...func(string) string) *httpServe {
	t.Helper()
	s := &httpServe{t: t, bin: buildBinary(t), fake: slackfake.New(t)}
	dir := t.TempDir()
	s.db = filepath.Join(dir, "sg.db")
	s.url, s.cfg = httpConfig(t, dir, s.fake, edits...)
	return s
}

// httpConfig writes into dir the example config in HTTP mode against fake,
// listening on a free port, changed by edits; it returns the base URL and
// the config's path.
func httpConfig(t *testing.T, dir string, fake *slackfake.Server, edits ...func(string) string) (base, path string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	data, _ := os.ReadFile(storeConfig(t, dir))
	text := strings.NewReplacer(`listen: ":8080"`, `listen: "`+addr+`"`,
		"api_url: https://slack.com/api/", "api_url: "+fake.APIURL(),
		"  mode: socket\n", "  mode: http\n").Replace(string(data))
	for _, edit := range edits {
		text = edit(text)
	}
	return "http://" + addr, writeFile(t, dir, "sprintguard.yaml", text)
}

// onPostgres is an httpConfig edit: storage driver postgres with url and
// more storage keys.
func onPostgres(url string, more ...string) func(string) string {
	return func(text string) string {
		return strings.Replace(text, "  driver: bolt\n", "  driver: postgres\n  url: "+url+"\n"+strings.Join(more, ""), 1)
	}
}

// start runs serve and waits for /readyz.
func (s *httpServe) start() {
	s.t.Helper()
	s.launch()
	s.waitReady(50 * time.Millisecond)
}

// launch runs serve without waiting for it.
func (s *httpServe) launch() {
	s.t.Helper()
	// Connections kept alive to a process killed earlier on this port
	// would carry the next events: one the client's pool had not yet
	// found dead fails that event with EOF, as Slack's fresh connection
	// would not (TestKillBetweenCommitAndAcks lost an event so, now and
	// then on a loaded machine).
	http.DefaultClient.CloseIdleConnections()
	s.cmd = exec.Command(s.bin, append([]string{"serve", "--config", s.cfg}, s.args...)...)
	s.cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN=xoxb-e2e", "SLACK_SIGNING_SECRET="+e2eSecret, "JIRA_API_TOKEN="+jirafake.Token)
	s.cmd.Env = append(s.cmd.Env, s.env...)
	logs := &testlog.Buffer{}
	s.logs = logs
	s.cmd.Stderr = logs
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	cmd := s.cmd
	s.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}

// waitReady asks /readyz every poll until it answers 200.
func (s *httpServe) waitReady(poll time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("serve not ready within 60s:\n%s", s.logs.String())
		}
		time.Sleep(poll)
	}
}

// event posts a signed Events API callback and returns the status.
func (s *httpServe) event(id string, inner map[string]any) int {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": id, "team_id": "T123", "event": inner})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/slack/events", bytes.NewReader(body))
	slackfake.SignRequest(req, e2eSecret, time.Now(), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// eventQuiet posts like event but returns 0 when the server is gone.
func (s *httpServe) eventQuiet(id string, inner map[string]any) int {
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": id, "team_id": "T123", "event": inner})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/slack/events", bytes.NewReader(body))
	slackfake.SignRequest(req, e2eSecret, time.Now(), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// storeState opens a copy of the stopped or killed bot's store (see
// openCopy) and returns its requests and the deliveries still in its inbox
// or journal.
func storeState(t *testing.T, path string) (reqs []*triage.Request, pending int) {
	t.Helper()
	db := openCopy(t, path)
	defer db.Close()
	err := db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, time.Now().AddDate(1, 0, 0), func(r *triage.Request) error {
			reqs = append(reqs, r)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Pending(100)
	if err != nil {
		t.Fatal(err)
	}
	return reqs, len(p)
}

// TestKillBetweenAckAndTicket is the end-to-end case of the inbox: the
// built binary acknowledges an event, is SIGKILLed while processing it,
// and after a restart (and Slack's retry) there is exactly one ticket.
func TestKillBetweenAckAndTicket(t *testing.T) {
	s := newHTTPServe(t)
	ts := fmt.Sprintf("%d.000100", time.Now().Unix())
	s.fake.AddMessage("C0PLATHELP", slack.Message{Msg: slack.Msg{Type: "message", User: "U0PAY001",
		Text: "the payments canary deploy is stuck", Timestamp: ts}})
	// Processing a reaction starts by fetching the message; holding that
	// call for 20s keeps the bot between its ack and the ticket.
	s.fake.RateLimit("conversations.history", 1, 20*time.Second)
	s.start()
	reaction := map[string]any{"type": "reaction_added", "user": "U0PLAT002", "reaction": "ticket", "item_user": "U0PAY001",
		"item": map[string]any{"type": "message", "channel": "C0PLATHELP", "ts": ts}}
	if code := s.event("EvKill", reaction); code != http.StatusOK {
		t.Fatalf("event: status %d", code)
	}
	s.fake.WaitCalls(t, "conversations.history", 1, 30*time.Second)
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	if reqs, pending := storeState(t, s.db); len(reqs) != 0 || pending != 1 {
		t.Fatalf("after SIGKILL: %d requests, %d inbox entries; want 0 and 1", len(reqs), pending)
	}

	s.start()
	if code := s.event("EvKill", reaction); code != http.StatusOK { // Slack's retry
		t.Fatalf("retried event: status %d", code)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(threadText(s.fake, "C0PLATHELP", ts), "REQ-") {
		if time.Now().After(deadline) {
			t.Fatal("no ticket posted in the thread within 60s of the restart")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	reqs, pending := storeState(t, s.db)
	if len(reqs) != 1 || reqs[0].Ticket.Key == "" || pending != 0 {
		t.Fatalf("after restart: %d requests (%+v), %d inbox entries; want one ticketed request and none", len(reqs), reqs, pending)
	}
}

func threadText(f *slackfake.Server, channel, thread string) string {
	var b strings.Builder
	for _, c := range f.OKCalls("chat.postMessage") {
		if c.Form.Get("channel") == channel && c.Form.Get("thread_ts") == thread {
			b.WriteString(c.Form.Get("text"))
		}
	}
	return b.String()
}

// SIGHUP reloads the config; a broken one is refused and the bot keeps
// running on the old one.
func TestReloadOnSIGHUP(t *testing.T) {
	s := newHTTPServe(t)
	s.start()
	good, _ := os.ReadFile(s.cfg)
	os.WriteFile(s.cfg, []byte(strings.Replace(string(good), "timezone: America/Chicago", "timezone: America/Chikago", 1)), 0o600)
	s.cmd.Process.Signal(syscall.SIGHUP)
	s.waitLog("config reload refused")
	if !strings.Contains(s.logs.String(), "Chikago") {
		t.Errorf("the refusal does not name the problem:\n%s", s.logs.String())
	}
	resp, err := http.Get(s.url + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("not ready after a refused reload: %v %v", resp, err)
	}
	resp.Body.Close()
	os.WriteFile(s.cfg, good, 0o600)
	s.cmd.Process.Signal(syscall.SIGHUP)
	s.waitLog("config reloaded")
}
