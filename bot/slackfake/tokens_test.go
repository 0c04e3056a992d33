package slackfake

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/slack-go/slack"
)

// apps.connections.open refuses tokens the way Slack does, in the fields of
// its published answer (ok, error, needed, provided), which slack-go reads.
func TestAppsConnectionsOpenRefusesTokens(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		setup  func(s *Server)
		code   string
		needed string
	}{
		{name: "valid", token: appToken},
		{name: "bot token", token: botToken, code: "not_allowed_token_type"},
		{name: "unknown", token: "xapp-1-wrong", setup: func(s *Server) { s.RejectToken("xapp-1-wrong", "invalid_auth") }, code: "invalid_auth"},
		{name: "revoked", token: appToken, setup: func(s *Server) { s.RejectToken(appToken, "token_revoked") }, code: "token_revoked"},
		{name: "wrong scope", token: appToken, setup: func(s *Server) { s.GrantScopes(appToken, "authorizations:read") }, code: "missing_scope", needed: "connections:write"},
		{name: "right scope", token: appToken, setup: func(s *Server) { s.GrantScopes(appToken, "connections:write") }},
	}
	allowed := map[string]bool{"ok": true, "error": true, "needed": true, "provided": true, "url": true, "warning": true, "response_metadata": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			if tt.setup != nil {
				tt.setup(s)
			}
			status, _, body := rawCall(t, s, "apps.connections.open", url.Values{}, http.Header{"Authorization": {"Bearer " + tt.token}})
			for k := range body {
				if !allowed[k] {
					t.Errorf("answer has field %q, which Slack's does not", k)
				}
			}
			if status != http.StatusOK || (body["error"] != nil) != (tt.code != "") || tt.code != "" && body["error"] != tt.code {
				t.Fatalf("answer %d %v, want error %q", status, body, tt.code)
			}

			api := slack.New(botToken, slack.OptionAppLevelToken(tt.token), slack.OptionAPIURL(s.APIURL()))
			_, _, err := api.StartSocketModeContext(context.Background())
			var resp slack.SlackErrorResponse
			errors.As(err, &resp)
			if resp.Err != tt.code || resp.Needed != tt.needed {
				t.Errorf("slack-go sees %v (needed %q), want %q (needed %q)", err, resp.Needed, tt.code, tt.needed)
			}
			if tt.needed != "" && body["provided"] != "authorizations:read" {
				t.Errorf("provided = %v", body["provided"])
			}
		})
	}
}
