package exportgen

import (
	"time"
)

// threadScale keeps threads at the share the committed sample aims for
// (about one reply for every three requests).
const threadScale = 0.3

// human builds a message typed by p, with the fields a Slack client sends.
func (g *generator) human(p person, text, ts string) *wireMessage {
	return &wireMessage{
		ClientMsgID: uuid(g.r),
		Type:        "message",
		Text:        text,
		User:        p.id,
		TS:          ts,
		Blocks:      richText(blockID(g.r), text),
		Team:        teamID,
		UserTeam:    teamID,
		SourceTeam:  teamID,
		UserProfile: g.profiles[p.id],
	}
}

// request posts a top-level request in the team's intake channel, with its
// edits, thread and reactions.
func (g *generator) request(t team, p person, at time.Time, cat, tmpl string, fakeUrgency bool) {
	r := g.r
	loc := g.locs[t.tz]
	ch := channelIndex(t.intake)
	c := &slotContext{r: r, requester: p, team: t, oncall: t.onCall(at, loc), at: at}
	text := vary(r, c, c.fill(tmpl), fakeUrgency && cat != "incident")
	micros, ts, ok := g.reserve(ch, at)
	if !ok {
		return
	}
	g.ensureMember(ch, p.id, at)
	msg := g.human(p, text, ts)
	switch x := r.Float64(); {
	case x < 0.015:
		g.changed(ch, msg, at)
	case x < 0.09:
		msg.Edited = &wireEdited{User: p.id, TS: formatTS(micros + 15e6 + r.Int64N(600e6))}
		g.stats.Edited++
	}
	helper := c.oncall
	if r.Float64() < 0.3 {
		helper = pick(r, t.members())
	}
	resolved := false
	if r.Float64() < threadChance[cat]*threadScale {
		resolved = g.thread(ch, t, msg, at, p, helper)
	}
	g.react(msg, t, helper, resolved)
	g.add(ch, micros, msg, kHuman|kIntake|kRequest)
}

// changed records an edit the old way, as a hidden message_changed entry,
// and gives the request its edited text.
func (g *generator) changed(ch int, msg *wireMessage, at time.Time) {
	r := g.r
	editAt := at.Add(30*time.Second + randDuration(r, 20*time.Minute))
	micros, ts, ok := g.reserve(ch, editAt)
	if !ok {
		return
	}
	old := msg.Text
	msg.Text = old + " \u2014 " + pick(r, []string{"edit: typo", "edit: added more context in thread", "edit: this is for prod, not staging", "edit: nvm the first part", "edit: fixed the name"})
	msg.Blocks = richText(blockID(r), msg.Text)
	msg.Edited = &wireEdited{User: msg.User, TS: ts}
	g.stats.Edited++
	g.add(ch, micros, &wireMessage{
		Type:    "message",
		Subtype: "message_changed",
		Text:    "",
		TS:      ts,
		Hidden:  true,
		Message: &wireMessage{
			ClientMsgID: msg.ClientMsgID, Type: "message", Text: msg.Text, User: msg.User,
			TS: msg.TS, Edited: msg.Edited, Team: teamID,
		},
		PreviousMessage: &wireMessage{ClientMsgID: msg.ClientMsgID, Type: "message", Text: old, User: msg.User, TS: msg.TS},
		Channel:         channelDefs[ch].id,
		EventTS:         ts,
	}, kChanged)
}

// react adds the reactions teams leave on requests: eyes while looking, a
// check mark when done, a ticket when someone files it, +1s from peers.
func (g *generator) react(msg *wireMessage, t team, helper string, resolved bool) {
	r := g.r
	add := func(name string, users ...string) {
		msg.Reactions = append(msg.Reactions, wireReaction{Name: name, Users: users, Count: len(users)})
	}
	if r.Float64() < 0.35 {
		add("eyes", helper)
	}
	if resolved && r.Float64() < 0.5 {
		add("white_check_mark", helper)
	}
	if r.Float64() < 0.08 {
		add("ticket", pick(r, t.members()))
	}
	if r.Float64() < 0.05 {
		a, b := pick(r, requesters()).id, pick(r, requesters()).id
		if a != b && a != msg.User && b != msg.User {
			add("+1", a, b)
		}
	}
}

// intakeNote posts a top-level message in an intake channel that is not a
// request: an opt-out or an announcement by the team.
func (g *generator) intakeNote(t team, p person, at time.Time, tmpl string, k kind) {
	ch := channelIndex(t.intake)
	c := &slotContext{r: g.r, requester: p, team: t, oncall: t.onCall(at, g.locs[t.tz]), at: at}
	text := c.fill(tmpl)
	micros, ts, ok := g.reserve(ch, at)
	if !ok {
		return
	}
	g.ensureMember(ch, p.id, at)
	g.add(ch, micros, g.human(p, text, ts), kHuman|kIntake|k)
}

// chatter posts small talk in a non-intake channel, sometimes with a reply
// or two from repliers.
func (g *generator) chatter(ch int, t team, p person, at time.Time, lines []string, repliers []string) {
	r := g.r
	c := &slotContext{r: r, requester: p, team: t, oncall: t.onCall(at, g.locs[t.tz]), at: at}
	micros, ts, ok := g.reserve(ch, at)
	if !ok {
		return
	}
	msg := g.human(p, c.fill(pick(r, lines)), ts)
	if r.Float64() < 0.2 {
		replyAt := at
		var users []string
		for range 1 + r.IntN(2) {
			replyAt = replyAt.Add(time.Minute + randDuration(r, 40*time.Minute))
			author := personByID(pick(r, repliers))
			text := pick(r, []string{"+1", ":100:", "nice!", "thanks for sharing", "on it", "yesterday: reviews, today: the Airflow upgrade", ":tada:"})
			rm, rts, ok := g.reserve(ch, replyAt)
			if !ok {
				break
			}
			g.ensureMember(ch, author.id, replyAt)
			reply := g.human(author, text, rts)
			reply.ThreadTS, reply.ParentUserID = ts, p.id
			g.add(ch, rm, reply, kReply)
			linkReply(msg, author.id, rts, &users)
		}
	}
	g.add(ch, micros, msg, kHuman)
}

// linkReply records a reply on its thread parent the way exports show it.
func linkReply(root *wireMessage, user, ts string, users *[]string) {
	f := false
	root.ThreadTS = root.TS
	root.ReplyCount++
	root.LatestReply = ts
	root.Replies = append(root.Replies, wireReply{User: user, TS: ts})
	seen := false
	for _, u := range *users {
		seen = seen || u == user
	}
	if !seen {
		*users = append(*users, user)
	}
	root.ReplyUsers = *users
	root.ReplyUsersCount = len(*users)
	root.IsLocked, root.Subscribed = &f, &f
}

// ensureMember posts a channel_join shortly before a non-member's first
// message in ch.
func (g *generator) ensureMember(ch int, user string, at time.Time) {
	if g.members[ch][user] {
		return
	}
	g.members[ch][user] = true
	joinAt := at.Add(-time.Minute - randDuration(g.r, 30*time.Minute))
	micros, ts, ok := g.reserve(ch, joinAt)
	if !ok {
		return
	}
	join := &wireMessage{Type: "message", Subtype: "channel_join", TS: ts, User: user, Text: mention(user) + " has joined the channel"}
	if g.r.IntN(3) == 0 {
		join.Inviter = teams[0].lead
	}
	g.add(ch, micros, join, kJoin)
}

// initialMembers sets who is in each channel before the export starts;
// half of the requesters still have to join each intake channel.
func (g *generator) initialMembers() {
	set := func(ch string, ids ...string) {
		for _, id := range ids {
			g.members[channelIndex(ch)][id] = true
		}
	}
	for _, p := range people {
		if p.group != "bot" {
			set(chGeneral, p.id)
		}
	}
	for i, p := range requesters() {
		if i%2 == 0 {
			set(chPlatformHelp, p.id)
		} else {
			set(chDataHelp, p.id)
		}
		if p.group == "payments" || p.group == "mobile" {
			set(chDeploys, p.id)
		}
	}
	set(chPlatformHelp, append(teams[0].members(), "U0BOTPAGE")...)
	set(chPlatform, append(teams[0].members(), "U0BOTPAGE", "U0BOTDEPL")...)
	set(chDataHelp, teams[1].members()...)
	set(chData, append(teams[1].members(), "U0BOTPAGE")...)
	set(chDeploys, append(teams[0].members(), "U0BOTDEPL")...)
}
