package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/bot/slackfake"
)

// check --online opens a Socket Mode connection with the app token, as
// serve does, and names Slack's error when the token is wrong, revoked or
// lacks connections:write. HTTP mode needs no app token and never sends one.
func TestCheckOnlineTestsTheAppToken(t *testing.T) {
	tests := []struct {
		name   string
		mode   string
		noApp  bool // SLACK_APP_TOKEN unset
		setup  func(f *slackfake.Server)
		code   int
		errHas []string
		opens  int // apps.connections.open calls with the app token
	}{
		{name: "socket, token accepted", mode: "socket", code: ExitOK, opens: 1},
		{name: "socket, token unknown", mode: "socket", setup: func(f *slackfake.Server) { f.RejectToken(appToken, "invalid_auth") },
			code: ExitFail, errHas: []string{"app token (slack.app_token)", ": invalid_auth: ", "App-Level Tokens"}, opens: 1},
		{name: "socket, token revoked", mode: "socket", setup: func(f *slackfake.Server) { f.RejectToken(appToken, "token_revoked") },
			code: ExitFail, errHas: []string{": token_revoked: ", "generate a new app-level token"}, opens: 1},
		{name: "socket, token without connections:write", mode: "socket", setup: func(f *slackfake.Server) { f.GrantScopes(appToken, "authorizations:read") },
			code: ExitFail, errHas: []string{": missing_scope (needs connections:write, has authorizations:read): "}, opens: 1},
		{name: "http, no app token", mode: "http", noApp: true, code: ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := slackfake.New(t)
			if tt.setup != nil {
				tt.setup(fake)
			}
			cfg := strings.Replace(fmt.Sprintf(credentialsConfig, tt.mode, "local"), "  command: /sg\n", "  command: /sg\n  api_url: "+fake.APIURL()+"\n", 1)
			p := writeFile(t, t.TempDir(), "sprintguard.yaml", cfg)
			vars := map[string]string{"SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_APP_TOKEN": appToken, "SLACK_SIGNING_SECRET": signingSecret}
			if tt.noApp {
				delete(vars, "SLACK_APP_TOKEN")
			}
			code, out, errs := runCheckWith(t, vars, "--online", "--config", p)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errs)
			}
			for _, want := range tt.errHas {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			if strings.Contains(out+errs, appToken) {
				t.Errorf("the output holds the app token:\n%s%s", out, errs)
			}
			opens := 0
			for _, c := range fake.Calls("apps.connections.open") {
				if c.Error == "not_authed" {
					t.Errorf("apps.connections.open without a token")
				}
				opens++
			}
			if opens != tt.opens {
				t.Errorf("%d apps.connections.open calls, want %d", opens, tt.opens)
			}
		})
	}
}
