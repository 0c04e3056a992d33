// Package render builds the Slack Block Kit messages, modals and App Home
// views of sprintguard, and parses what people submit back through them.
//
// Every function is pure: no I/O, no Slack calls and no clock reads; times
// come in as arguments. All functions are safe for concurrent use as long as
// nobody mutates their arguments at the same time.
//
// User text is escaped for Slack mrkdwn and every text is cut, by runes, to
// fit Block Kit's limits, so a renderer never produces a payload Slack
// rejects for size.
package render
