package bot

// Methods lists every Slack Web API method the Gateway calls, by the name
// it reports to Observe, so that metrics can show each method's series
// before its first call. A test keeps it in step with the Gateway.
var Methods = []string{
	"auth.test",
	"chat.getPermalink",
	"chat.postEphemeral",
	"chat.postMessage",
	"chat.update",
	"conversations.history",
	"conversations.list",
	"conversations.open",
	"conversations.replies",
	"conversations.setTopic",
	"files.upload",
	"usergroups.users.update",
	"users.info",
	"users.lookupByEmail",
	"views.open",
	"views.publish",
	"views.update",
}

// Kinds lists the kinds of payload Receive takes.
var Kinds = []string{KindEvent, KindCommand, KindInteraction}
