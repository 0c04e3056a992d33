package exportgen

import (
	"time"
)

// replyCounts is the distribution of replies per thread.
var replyCounts = []int{1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5}

// thread writes the conversation under a request: the helper acknowledges,
// the requester adds details, the helper resolves or files a ticket, the
// requester thanks or says it still fails; bystanders chime in. It reports
// whether the request was resolved in the thread.
func (g *generator) thread(ch int, t team, root *wireMessage, rootAt time.Time, requester person, helper string) bool {
	r := g.r
	loc := g.locs[t.tz]
	ack, resolve := ackReplies, resolveReplies
	if t.name == "data" {
		ack, resolve = dataAck, dataResolve
	}
	n := pick(r, replyCounts)
	at := rootAt
	state := "start"
	resolved := false
	var users []string
	for i := 0; i < n; i++ {
		at = g.nextReplyTime(at, i == 0, loc)
		author, lines, broadcast := helper, ack, false
		switch state {
		case "start":
			if r.Float64() < 0.12 {
				author, lines, state = g.bystander(requester), bystanderReplies, "start"
				break
			}
			state = "acked"
		case "acked":
			if r.Float64() < 0.45 {
				author, lines, state = requester.id, detailReplies, "detailed"
				break
			}
			lines, state, resolved = resolve, "resolved", true
		case "detailed", "broken":
			lines, state, resolved = resolve, "resolved", true
		case "resolved":
			if r.Float64() < 0.2 {
				author, lines, state, resolved = requester.id, stillBroken, "broken", false
				broadcast = r.Float64() < 0.25
				break
			}
			author, lines, state = requester.id, thanksReplies, "thanked"
		case "thanked":
			lines, state = []string{"np!", ":+1:", "anytime :slightly_smiling_face:", "glad it works"}, "done"
		default:
			i = n
			continue
		}
		c := &slotContext{r: r, requester: requester, team: t, oncall: t.onCall(at, loc), helper: helper, at: at}
		text := c.fill(pick(r, lines))
		micros, ts, ok := g.reserve(ch, at)
		if !ok {
			break
		}
		g.ensureMember(ch, author, at)
		msg := g.human(personByID(author), text, ts)
		msg.ThreadTS, msg.ParentUserID = root.TS, requester.id
		k := kReply
		if broadcast {
			msg.Subtype = "thread_broadcast"
			msg.Root = &wireRoot{Type: "message", User: root.User, Text: root.Text, TS: root.TS, ThreadTS: root.TS}
			k |= kBroadcast
		}
		g.add(ch, micros, msg, k)
		linkReply(root, author, ts, &users)
		if msg.Root != nil {
			msg.Root.ReplyCount = root.ReplyCount
		}
	}
	return resolved
}

// bystander is another requester who has the same problem.
func (g *generator) bystander(requester person) string {
	for {
		p := pick(g.r, requesters())
		if p.id != requester.id {
			return p.id
		}
	}
}

// nextReplyTime spaces replies: a first answer within minutes in business
// hours or the next working morning otherwise, then a conversation that now
// and then resumes the next day.
func (g *generator) nextReplyTime(prev time.Time, first bool, loc *time.Location) time.Time {
	r := g.r
	if first {
		if isBusinessHours(prev, loc) {
			return prev.Add(time.Minute + time.Duration(r.ExpFloat64()*18*float64(time.Minute)))
		}
		y, m, d := prev.In(loc).Date()
		for i := 0; ; i++ {
			morning := time.Date(y, m, d+i, 8, 30, 0, 0, loc)
			if morning.After(prev) && isBusinessHours(morning, loc) {
				return morning.Add(randDuration(r, 90*time.Minute))
			}
		}
	}
	if r.Float64() < 0.07 {
		return prev.Add(18*time.Hour + randDuration(r, 8*time.Hour))
	}
	return prev.Add(2*time.Minute + time.Duration(r.ExpFloat64()*30*float64(time.Minute)))
}
