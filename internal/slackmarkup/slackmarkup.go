// Package slackmarkup says which Slack markup a team's own text keeps, such as
// a rule's answer: the renderer that shows the text and check that reads
// it both use it, so that what check accepts shows as the team meant.
package slackmarkup

import "regexp"

// Kept matches the markup a team's text keeps: an http(s) link written
// <url>, <url|label> or bare, and a mention of a channel <#C…>, a person
// <@U…> or a user group <!subteam^S…>, with or without a |label. The team
// wrote these in its own config, so a mention of its channel is
// legitimate; <!channel>, <!here> and <!everyone> are not kept, so that an
// answer never notifies a whole channel. Submatch 1 is the link or
// mention, 2 the label.
var Kept = regexp.MustCompile(`<(https?://[^\s<>|]+|#[CG][A-Z0-9]+|@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+)(?:\|([^<>]*))?>|https?://[^\s<>|]+`)

// Markup matches what Slack reads as markup rather than text: a mention
// <#…>, <@…> or <!…>, or a link <scheme:…>, with any |label.
var Markup = regexp.MustCompile(`<(?:[#@!]|[a-zA-Z][a-zA-Z0-9+.-]*:)[^<>]*>`)

// Shown reports whether markup m, one that Markup matches, is kept as
// Slack shows it, rather than shown as the text it is written in.
func Shown(m string) bool {
	loc := Kept.FindStringIndex(m)
	return loc != nil && loc[0] == 0 && loc[1] == len(m)
}
