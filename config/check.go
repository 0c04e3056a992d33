package config

import "fmt"

// CheckSlack reports the credentials the Slack mode needs but lacks: HTTP
// mode needs signing_secret and bot_token, Socket Mode needs app_token and
// bot_token. It is separate from Load so that `check` and the offline
// commands work without secrets. Errors point at the `slack:` key. It may be
// called concurrently.
func (c *Config) CheckSlack() error {
	var errs Errors
	missing := func(key, env, why string) {
		errs = append(errs, Error{
			File: c.Path, Line: c.Slack.Line,
			Msg:  fmt.Sprintf("slack mode `%s` needs `%s`", c.Slack.Mode, key),
			Hint: fmt.Sprintf("set %s: ${%s} and export %s; %s", key, env, env, why),
		})
	}
	if !c.Slack.BotToken.IsSet() {
		missing("bot_token", "SLACK_BOT_TOKEN", "it is the Bot User OAuth Token (xoxb-...)")
	}
	switch c.Slack.Mode {
	case ModeHTTP:
		if !c.Slack.SigningSecret.IsSet() {
			missing("signing_secret", "SLACK_SIGNING_SECRET", "it verifies that requests come from Slack")
		}
	default:
		if !c.Slack.AppToken.IsSet() {
			missing("app_token", "SLACK_APP_TOKEN", "Socket Mode connects with an app-level token (xapp-...)")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// CheckTracker reports what the tracker kind needs but lacks: Jira needs
// url, user and token, which errors report at the `tracker:` key, and a
// project for every team, its own or tracker.jira's, which errors report at
// each team that has neither. It may be called concurrently.
func (c *Config) CheckTracker() error {
	if c.Tracker.Kind != TrackerJira {
		return nil
	}
	var errs Errors
	missing := func(key, hint string) {
		errs = append(errs, Error{
			File: c.Path, Line: c.Tracker.Line,
			Msg:  fmt.Sprintf("tracker `jira` needs `jira.%s`", key),
			Hint: hint,
		})
	}
	j := c.Tracker.Jira
	if j.URL == "" {
		missing("url", "the site, e.g. url: https://acme.atlassian.net")
	}
	if j.User == "" {
		missing("user", "the API user's email, e.g. user: sprintguard@acme.com")
	}
	if !j.Token.IsSet() {
		missing("token", "an API token: token: ${JIRA_API_TOKEN}, and export JIRA_API_TOKEN")
	}
	if j.Project == "" {
		// A team's own jira.project is enough: only teams without one
		// need the shared default, and the error names them.
		for _, t := range c.Teams {
			if t.Jira.Project == "" {
				errs = append(errs, Error{
					File: t.File, Line: t.Line,
					Msg:  fmt.Sprintf("team `%s` has no Jira project: neither its `jira.project` nor `tracker.jira.project` is set", t.Name),
					Hint: "give the team jira: {project: KEY}, or set project: KEY under tracker.jira for every team without one",
				})
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
