package exportgen

import (
	"fmt"
	"time"
)

// deployNotices are deploybot's webhook posts in #deploys.
var deployNotices = []struct {
	color, text string
	weight      int
}{
	{"2eb886", ":rocket: *{svc}* `{ver}` deployed to *{prod}* by {dev} (<https://argo.internal.acme.io/applications/{svc}|Argo CD>)", 12},
	{"2eb886", ":white_check_mark: *{svc}* `{ver}` deployed to *staging*", 4},
	{"a30200", ":x: Deploy of *{svc}* `{ver}` to *{prod}* failed at `helm upgrade`: <https://github.com/acme/{svc}/actions/runs/{num}|logs>", 3},
	{"daa038", ":warning: Canary for *{svc}* `{ver}` paused: error rate {secs}% > 1% threshold", 2},
}

var pagerAlerts = map[string][]string{
	"platform": {"{svc} 5xx rate > 5%", "{svc} p99 latency > 2s", "{queue} backlog > 10k", "node pressure on {region} cluster", "{host} TLS probe failing"},
	"data":     {"Airflow DAG {dag} failed", "dbt test failures on `{model}`", "warehouse queue > 50 queries", "freshness SLA missed for `{model}`"},
}

// bot builds a message from an app bot (user id and bot id, no subtype),
// the way pagerbot posts through chat.postMessage.
func (g *generator) bot(p person, text, ts string) *wireMessage {
	return &wireMessage{
		Type: "message", Text: text, User: p.id, BotID: p.botID, AppID: p.appID, TS: ts, Team: teamID,
		BotProfile: &wireBotProfile{
			ID: p.botID, Name: p.handle, Updated: g.start.Unix() - 86400*90, AppID: p.appID, TeamID: teamID,
			Icons: wireBotIcons{
				Image36: "https://avatars.slack-edge.com/2025-06-02/" + p.botID + "_36.png",
				Image48: "https://avatars.slack-edge.com/2025-06-02/" + p.botID + "_48.png",
				Image72: "https://avatars.slack-edge.com/2025-06-02/" + p.botID + "_72.png",
			},
		},
	}
}

// page posts a pagerbot alert, firing or resolved, in channel ch.
func (g *generator) page(ch int, t team, at time.Time, alert string, id int, resolved bool) {
	micros, ts, ok := g.reserve(ch, at)
	if !ok {
		return
	}
	text := fmt.Sprintf(":rotating_light: *[FIRING:1] %s* <https://acme.pagerduty.com/incidents/Q%d|Q%d> assigned to %s",
		alert, id, id, mention(t.onCall(at, g.locs[t.tz])))
	if resolved {
		text = fmt.Sprintf(":white_check_mark: *[RESOLVED] %s* <https://acme.pagerduty.com/incidents/Q%d|Q%d>", alert, id, id)
	}
	g.add(ch, micros, g.bot(personByID("U0BOTPAGE"), text, ts), kBot)
}

// incident is a bad hour: an alert, several people asking about the same
// outage at once, a resolution later.
func (g *generator) incident(t team, local time.Time, loc *time.Location) {
	r := g.r
	start := local.Add(9*time.Hour + randDuration(r, 7*time.Hour))
	c := &slotContext{r: r, team: t, requester: personByID(t.lead), oncall: t.onCall(start, loc), at: start}
	alert := c.fill(pick(r, pagerAlerts[t.name]))
	id := 100000 + r.IntN(900000)
	g.page(channelIndex(t.channel), t, start, alert, id, false)
	if t.name == "platform" && r.Float64() < 0.6 {
		g.page(channelIndex(t.intake), t, start.Add(randDuration(r, time.Minute)), alert, id, false)
	}
	at := start
	seen := map[string]bool{}
	for range 3 + r.IntN(4) {
		at = at.Add(time.Minute + randDuration(r, 20*time.Minute))
		p := g.pickRequester(t)
		if seen[p.id] {
			continue
		}
		seen[p.id] = true
		g.request(t, p, at, "incident", pick(r, incidentRequests[t.name]), false)
	}
	g.page(channelIndex(t.channel), t, start.Add(time.Hour+randDuration(r, 3*time.Hour)), alert, id, true)
}

// botsAndChatter generates one UTC day of #deploys, stray alerts and
// #general.
func (g *generator) botsAndChatter(day time.Time) {
	r := g.r
	wd := day.Weekday()
	weekend := wd == time.Saturday || wd == time.Sunday
	rate := g.opt.MessagesPerDay
	if weekend {
		rate *= 0.1
	}
	deploybot := personByID("U0BOTDEPL")
	for range poisson(r, rate*0.12) {
		t := teams[0]
		if r.Float64() < 0.3 {
			t = teams[1]
		}
		dev := pick(r, requesters()[:5])
		at := g.sampleTime(day, g.locs[t.tz], dev)
		micros, ts, ok := g.reserve(channelIndex(chDeploys), at)
		if !ok {
			continue
		}
		total := 0
		for _, n := range deployNotices {
			total += n.weight
		}
		x := r.IntN(total)
		notice := deployNotices[0]
		for _, n := range deployNotices {
			if x -= n.weight; x < 0 {
				notice = n
				break
			}
		}
		c := &slotContext{r: r, requester: dev, team: t, oncall: t.onCall(at, g.locs[t.tz]), at: at}
		text := c.fill(notice.text)
		msg := &wireMessage{Type: "message", Subtype: "bot_message", TS: ts, BotID: deploybot.botID, Username: deploybot.handle}
		if r.IntN(2) == 0 {
			msg.Text = text
		} else {
			msg.Attachments = []wireAttachment{{ID: 1, Color: notice.color, Fallback: text, Text: text, MrkdwnIn: []string{"text"}}}
		}
		g.add(channelIndex(chDeploys), micros, msg, kBot)
	}
	for _, t := range teams {
		for range poisson(r, rate*0.01) {
			loc := g.locs[t.tz]
			at := day.Add(randDuration(r, 24*time.Hour))
			c := &slotContext{r: r, team: t, requester: personByID(t.lead), oncall: t.onCall(at, loc), at: at}
			alert, id := c.fill(pick(r, pagerAlerts[t.name])), 100000+r.IntN(900000)
			g.page(channelIndex(t.channel), t, at, alert, id, false)
			g.page(channelIndex(t.channel), t, at.Add(5*time.Minute+randDuration(r, 40*time.Minute)), alert, id, true)
		}
	}
	var everyone []string
	for _, p := range people[:20] {
		everyone = append(everyone, p.id)
	}
	for range poisson(r, rate*0.05) {
		p := personByID(pick(r, everyone))
		g.chatter(channelIndex(chGeneral), teams[0], p, g.sampleTime(day, g.locs[p.tz], p), generalChatter, everyone)
	}
}
