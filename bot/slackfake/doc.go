// Package slackfake is a fake Slack for tests: the Web API methods
// sprintguard calls, served with the shapes and error codes of the real API,
// and a Socket Mode endpoint that sends envelopes and collects acks. It is
// built on slack-go's slacktest, so a real *slack.Client and a real
// socketmode.Client talk to it unchanged (slack.OptionAPIURL(s.APIURL())).
//
// The fake keeps state the way Slack does: posted messages can be read back
// with conversations.history and conversations.replies, edited with
// chat.update, views keep a hash that views.update checks, and user groups
// keep their members. Tests inject trouble with RateLimit, Fail, FailHTTP,
// RejectToken and GrantScopes.
package slackfake
