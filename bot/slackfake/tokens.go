package slackfake

import (
	"slices"
	"strings"
)

// neededScope is the scope Slack checks for the methods whose scope tests
// take away. A token given scopes with GrantScopes is refused the methods
// whose scope it lacks.
var neededScope = map[string]string{
	"apps.connections.open": "connections:write",
	"chat.postMessage":      "chat:write",
	"users.info":            "users:read",
	"conversations.history": "channels:history",
}

// RejectToken makes every later call with token answer "ok": false with
// code, as Slack does for a token it does not know ("invalid_auth"), one
// revoked or of an uninstalled app ("token_revoked"), or one whose user
// was deactivated ("account_inactive").
func (s *Server) RejectToken(token, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[token] = code
}

// GrantScopes sets the only scopes token has. A call of a method that needs
// another scope answers "missing_scope" with the "needed" and "provided"
// fields Slack adds. A token never given scopes has all of them.
func (s *Server) GrantScopes(token string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes[token] = slices.Clone(scopes)
}

// checkToken refuses calls without a token, with a token RejectToken
// named, with app-level tokens where a bot token is needed and the other
// way round, and with a token lacking the method's scope, in the order
// Slack checks them.
func (s *Server) checkToken(name string, r *request) error {
	app := strings.HasPrefix(r.token, "xapp-")
	switch {
	case r.token == "":
		return fail("not_authed")
	case s.rejected[r.token] != "":
		return fail(s.rejected[r.token])
	case name == "apps.connections.open" && !app, name != "apps.connections.open" && app:
		return fail("not_allowed_token_type")
	}
	if need := neededScope[name]; need != "" {
		return s.scopesLocked(r.token, need)
	}
	return nil
}

// scopesLocked refuses a call whose token lacks any of need, naming in
// "needed" those it lacks, as Slack does for a method whose scope depends
// on its arguments (conversations.list's types).
func (s *Server) scopesLocked(token string, need ...string) error {
	granted, limited := s.scopes[token]
	if !limited {
		return nil
	}
	var lacks []string
	for _, n := range need {
		if !slices.Contains(granted, n) {
			lacks = append(lacks, n)
		}
	}
	if len(lacks) == 0 {
		return nil
	}
	return &apiError{code: "missing_scope", extra: obj{"needed": strings.Join(lacks, ","), "provided": strings.Join(granted, ",")}}
}
