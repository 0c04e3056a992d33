package exportgen

// Conversation under requests, by who writes it.
var (
	ackReplies = []string{
		"looking :eyes:", "on it", "checking", "taking a look now", ":eyes:",
		"{requester} can you share the exact error?", "which environment is this?",
		"can you open a ticket with `/sg ask` so we can track it? :ticket:",
		"is this blocking you right now or can it wait until tomorrow?",
		"I'm on it, give me 10 min", "{requester} do you have a link to the failing run?",
		"looking, but I'm in the middle of something, might take an hour",
	}
	detailReplies = []string{
		"here's the error: `AccessDenied: not authorized to perform s3:GetObject`",
		"it's in {env}, started around {time} UTC",
		"this one: <https://github.com/acme/{svc}/actions/runs/{num}|run #{num}>",
		"not blocking, but I need it before Friday",
		"yes, it blocks the release :grimacing:",
		"same thing happens in staging btw",
		"screenshot in the ticket {ticket}",
	}
	resolveReplies = []string{
		"done, try again now", "granted, it can take ~10 min to propagate",
		"fixed, it was a stuck Argo sync", "rolled back, should be fine now",
		"this is expected, see <https://wiki.acme.io/platform/runbooks/{slug}|the runbook>",
		"created <https://acme.atlassian.net/browse/{prefix}-{num}|{prefix}-{num}> for this, we'll pick it up next sprint",
		"merged the PR, deploying now", "should be fixed now, it was a full disk on one node",
		"restarted the workers, queue is draining", "done :white_check_mark:",
		"this needs approval from {lead}, pinging them",
		"we can't do this right now, it's in the backlog for next sprint",
	}
	thanksReplies = []string{
		"thanks!", "works now :tada:", "perfect, thank you :pray:", "ty!", "amazing, thanks {helper}",
		"confirmed, all good", "thanks, that was quick :raised_hands:",
	}
	stillBroken = []string{
		"still failing for me :disappointed:", "any update?", "still seeing it",
		"hmm, same error as before", "bumping this, still blocked",
	}
	bystanderReplies = []string{
		"+1, same here", "I saw this yesterday too", "I think {oncall} is on call this week",
		"following", "we had the same issue last month, {helper} fixed it",
	}
	dataAck = []string{
		"looking :eyes:", "checking the DAG logs", "which dashboard exactly?",
		"can you share the query?", "on it", "{requester} is this for the board deck or can it wait?",
	}
	dataResolve = []string{
		"rerun done, data is fresh now", "backfill running, should be done in ~2h",
		"granted, log out and back in to Looker", "the upstream API changed its schema, fixing the staging model",
		"that dashboard uses gross revenue, finance uses net, that's the difference",
		"created <https://acme.atlassian.net/browse/DATA-{num}|DATA-{num}>, we'll look next sprint",
		"added, it will show up after tonight's run",
	}
)

// Top-level messages in intake channels that are not requests.
var (
	optOuts = []string{
		":speech_balloon: just FYI, I'll be testing the new runner labels today",
		":speech_balloon: thanks for the quick help yesterday {teammate}!",
		":speech_balloon: anyone else seeing slow VPN today?",
		":speech_balloon: not a request, just sharing: <https://wiki.acme.io/eng/postmortems|postmortem doc> from last week is a great read",
		":speech_balloon: brainstorming: would a self-service page for {bucket} access make sense?",
		":speech_balloon: heads up, I'm out tomorrow so {peer} covers my deploys",
	}
	platformAnnouncements = []string{
		"Heads up: {prod} cluster upgrade to 1.31 tonight at 20:00 CT, expect brief API blips",
		"Reminder: please use `/sg ask` for requests so we can track them :ticket:",
		"Maintenance window Saturday 02:00-04:00 UTC for the {db} failover test",
		"FYI the CI runners were upgraded, ping us if you see new failures",
	}
	dataAnnouncements = []string{
		"Heads up: warehouse maintenance Sunday 06:00 CET, dashboards may be stale for an hour",
		"Reminder: new requests via `/sg ask` please, it helps us plan :ticket:",
		"FYI `{model}` gets a new column `{col}` tomorrow, no action needed",
	}
)

// Chatter outside intake channels.
var (
	generalChatter = []string{
		"lunch order closes at 11:30 :burrito:", "happy friday everyone :tada:",
		"reminder: all-hands at 16:00 CET <https://meet.google.com/abc-defg-hij|link>",
		"who left a blue umbrella in the kitchen? :umbrella:", "the office wifi is flaky today, IT is on it",
		"congrats to the mobile team on the 5.0 release :rocket:",
		"welcome {peer} to the team! :wave:", "pizza in the kitchen :pizza:",
		"the {city} office is closed Monday for the public holiday",
		"survey about the new expense tool, takes 2 min: <https://forms.acme.io/expenses|form>",
	}
	platformChatter = []string{
		"standup notes in thread", "PR for the node pool migration: <https://github.com/acme/infra-live/pull/{pr}|#{pr}>, reviews welcome",
		"can someone review my terraform change? <https://github.com/acme/terraform-modules/pull/{pr}|#{pr}>",
		"postmortem for yesterday's incident: <https://wiki.acme.io/platform/postmortems/{date}|doc>",
		"I'm out tomorrow afternoon, {teammate} has my reviews",
		"sprint planning moved to Wednesday", "interrupts are eating the sprint again :sweat_smile:",
	}
	dataChatter = []string{
		"standup notes in thread", "dbt 1.9 upgrade PR is up: <https://github.com/acme/data-pipelines/pull/{pr}|#{pr}>",
		"who wants to pair on the `{model}` refactor?", "Airflow costs are down {pct}% after the pool change :tada:",
		"retro notes: <https://wiki.acme.io/data/retro/{date}|here>", "so many ad-hoc requests this week :upside_down_face:",
	}
)

// Prefixes and suffixes wrap request templates so no two messages read alike.
var (
	greetings = []string{
		"hey team", "hi all", "Hi!", "hello :wave:", "quick one:", "morning!", "sorry to bother,",
		"hey folks", "hi {teamname} friends", "Hello,", "hey,", "hiya",
	}
	signoffs = []string{
		"thanks!", "thx", "ty :pray:", ":pray:", "any help appreciated", "cc {lead}", "(not urgent)",
		"ticket: {ticket}", "details in thread", "I'm blocked on this", "thanks in advance :slightly_smiling_face:",
		"happy to pair on it", "no rush", "ASAP please :fire:",
	}
	fakeUrgency = []string{"URGENT!!", "*URGENT*", ":rotating_light: URGENT:", "urgent:", "P1!!", "HIGH PRIORITY -", ":fire: :fire:"}
)
