package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/config"
)

// appTokenFixes says, for each error Slack answers apps.connections.open
// with when the app token is at fault, what to do about it.
var appTokenFixes = map[string]string{
	"invalid_auth":           "Slack does not know this token; copy it again from Basic Information > App-Level Tokens",
	"not_authed":             "no token reached Slack; set app_token: ${SLACK_APP_TOKEN} and export SLACK_APP_TOKEN",
	"token_revoked":          "the token was revoked or the app uninstalled; generate a new app-level token under Basic Information > App-Level Tokens",
	"token_expired":          "the token expired; generate a new app-level token under Basic Information > App-Level Tokens",
	"account_inactive":       "the token belongs to a deactivated user or an uninstalled app; reinstall the app and generate a new token",
	"not_allowed_token_type": "this is not an app-level token; app_token takes the xapp-... token from Basic Information > App-Level Tokens",
	"missing_scope":          "the token lacks the connections:write scope; generate an app-level token with connections:write",
}

// checkAppToken asks Slack for a Socket Mode connection with the app token,
// as serve does, and returns what is wrong, "" when Slack accepts it or the
// mode is HTTP, which does not use the app token. The URL Slack answers is
// never dialled; it expires unused.
func checkAppToken(ctx context.Context, cfg *config.Config) string {
	if cfg.Slack.Mode != config.ModeSocket {
		return ""
	}
	_, _, err := slackClient(cfg.Slack).StartSocketModeContext(ctx)
	if err == nil {
		return ""
	}
	resp, ok := errors.AsType[slack.SlackErrorResponse](err)
	if !ok {
		return fmt.Sprintf("slack: apps.connections.open with the app token (slack.app_token) failed at %s: %v", cfg.Slack.APIURL, err)
	}
	problem := fmt.Sprintf("slack: Slack refused the app token (slack.app_token) for Socket Mode: %s", resp.Err)
	if resp.Needed != "" {
		problem += fmt.Sprintf(" (needs %s, has %s)", resp.Needed, orNone(resp.Provided))
	}
	if fix := appTokenFixes[resp.Err]; fix != "" {
		problem += ": " + fix
	}
	return problem
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
