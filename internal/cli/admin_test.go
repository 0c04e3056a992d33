package cli

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/store"
)

// serve answers GET /backup and POST /reload on server.admin_listen, to
// loopback requests for a loopback host only.
func TestAdminListenServesBackupAndReload(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := newHTTPServe(t, func(cfg string) string {
		return strings.Replace(cfg, `admin_listen: "127.0.0.1:0"`, `admin_listen: "`+addr+`"`, 1)
	})
	s.start()
	do := func(method, path, host string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	code, body := do(http.MethodGet, "/backup", "")
	if code != http.StatusOK {
		t.Fatalf("GET /backup: %d %s", code, body)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, body, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(copyPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	db.Close()

	if code, body := do(http.MethodGet, "/backup", "backup.attacker.example:"+strings.Split(addr, ":")[1]); code != http.StatusForbidden {
		t.Errorf("GET /backup naming another host: %d %.80s, want 403", code, body)
	}

	good, _ := os.ReadFile(s.cfg)
	os.WriteFile(s.cfg, []byte(strings.Replace(string(good), "timezone: America/Chicago", "timezone: America/Chikago", 1)), 0o600)
	if code, body := do(http.MethodPost, "/reload", ""); code != http.StatusUnprocessableEntity || !strings.Contains(string(body), "Chikago") {
		t.Errorf("POST /reload of a broken config: %d %s, want 422 naming the problem", code, body)
	}
	os.WriteFile(s.cfg, good, 0o600)
	if code, body := do(http.MethodPost, "/reload", ""); code != http.StatusOK || !strings.Contains(string(body), "config reloaded") {
		t.Errorf("POST /reload: %d %s", code, body)
	}
	s.waitLog("config reloaded")
	// A config cut down to one team is answered in the singular.
	text := string(good)
	text = strings.Replace(text[:strings.Index(text, "  - name: data\n    channel: C0DATA")], "    team: data\n", "", 1)
	os.WriteFile(s.cfg, []byte(text), 0o600)
	if code, body := do(http.MethodPost, "/reload", ""); code != http.StatusOK || !strings.HasSuffix(strings.TrimSpace(string(body)), "(1 team)") {
		t.Errorf("POST /reload of one team: %d %s, want it to end (1 team)", code, body)
	}
}
