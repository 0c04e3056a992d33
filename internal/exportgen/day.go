package exportgen

import (
	"math"
	"time"
)

// weekdayWeight shapes traffic over the week; weekends are quiet, not dead.
var weekdayWeight = [7]float64{
	time.Sunday: 0.06, time.Monday: 1.15, time.Tuesday: 1.1, time.Wednesday: 1.0,
	time.Thursday: 1.0, time.Friday: 0.8, time.Saturday: 0.08,
}

const weekWeight = 0.06 + 1.15 + 1.1 + 1.0 + 1.0 + 0.8 + 0.08

// Requester activity: how often each group asks each team, and how chatty
// each person is, so the report's "top requesters" has a clear top.
var (
	groupWeights = map[string]map[string]float64{
		"platform": {"payments": 3, "mobile": 2, "support": 2, "product": 1.5, "security": 0.8, "analytics": 0.6},
		"data":     {"analytics": 3, "product": 2, "support": 1.5, "payments": 1, "mobile": 0.4, "security": 0.2},
	}
	personWeights = map[string]float64{
		"U0PAY001": 3, "U0PAY002": 2, "U0PAY003": 1, "U0MOB001": 2, "U0MOB002": 1,
		"U0SUP001": 3, "U0SUP002": 1.5, "U0SUP003": 1, "U0PM0001": 2, "U0PM0002": 1,
		"U0ANA001": 3, "U0ANA002": 2, "U0SEC001": 1,
	}
)

// requesters are the people outside both teams.
func requesters() []person { return people[7:20] }

// teamDay generates one local calendar day of a team's intake channel and
// team channel.
func (g *generator) teamDay(t team, day time.Time) {
	r := g.r
	loc := g.locs[t.tz]
	y, m, d := day.Date()
	local := time.Date(y, m, d, 0, 0, 0, 0, loc)
	wd := local.Weekday()
	w := weekdayWeight[wd]
	incident := wd != time.Saturday && wd != time.Sunday && r.Float64() < 0.07
	lambda := t.share * g.opt.MessagesPerDay * w * 7 / weekWeight
	if incident {
		lambda *= 1.3
	}
	for range poisson(r, lambda) {
		p := g.pickRequester(t)
		tmpl := g.pickTemplate(t, p)
		g.request(t, p, g.sampleTime(local, loc, p), tmpl.cat, tmpl.text, true)
	}
	for range poisson(r, lambda*0.045) {
		p := g.pickRequester(t)
		g.intakeNote(t, p, g.sampleTime(local, loc, p), pick(r, optOuts), kOptOut)
	}
	notes := platformAnnouncements
	if t.name == "data" {
		notes = dataAnnouncements
	}
	for range poisson(r, lambda*0.02) {
		lead := personByID(t.lead)
		g.intakeNote(t, lead, g.sampleTime(local, loc, lead), pick(r, notes), 0)
	}
	chatter := platformChatter
	if t.name == "data" {
		chatter = dataChatter
	}
	for range poisson(r, t.share*g.opt.MessagesPerDay*w*0.06) {
		author := personByID(pick(r, t.members()))
		g.chatter(channelIndex(t.channel), t, author, g.sampleTime(local, loc, author), chatter, t.members())
	}
	if incident {
		g.incident(t, local, loc)
	}
}

// pickRequester draws a requester with the team's group and person weights.
func (g *generator) pickRequester(t team) person {
	ps := requesters()
	total := 0.0
	for _, p := range ps {
		total += groupWeights[t.name][p.group] * personWeights[p.id]
	}
	x := g.r.Float64() * total
	for _, p := range ps {
		x -= groupWeights[t.name][p.group] * personWeights[p.id]
		if x < 0 {
			return p
		}
	}
	return ps[len(ps)-1]
}

// pickTemplate draws a request template the requester's group would ask.
func (g *generator) pickTemplate(t team, p person) request {
	reqs := platformRequests
	if t.name == "data" {
		reqs = dataRequests
	}
	fits := func(q request) bool {
		if q.groups == nil {
			return true
		}
		for _, gr := range q.groups {
			if gr == p.group {
				return true
			}
		}
		return false
	}
	total := 0
	for _, q := range reqs {
		if fits(q) {
			total += q.weight
		}
	}
	x := g.r.IntN(total)
	for _, q := range reqs {
		if fits(q) {
			if x -= q.weight; x < 0 {
				return q
			}
		}
	}
	return reqs[len(reqs)-1]
}

// sampleTime picks when on local day (midnight in loc) a person writes:
// mostly the team's business hours, sometimes the writer's own, sometimes
// evenings, early mornings or the middle of the night.
func (g *generator) sampleTime(local time.Time, loc *time.Location, p person) time.Time {
	r := g.r
	hours := 0.0
	switch x := r.Float64(); {
	case x < 0.72:
		hours = 8.5 + 9.5*(r.Float64()+r.Float64())/2
	case x < 0.90:
		own := g.locs[p.tz]
		y, m, d := local.Date()
		base := time.Date(y, m, d, 9, 0, 0, 0, own)
		return base.Add(randDuration(r, 9*time.Hour))
	case x < 0.97:
		hours = 18 + 5.5*r.Float64()
	case x < 0.99:
		hours = 6 + 2.5*r.Float64()
	default:
		hours = 6 * r.Float64()
	}
	y, m, d := local.Date()
	h, frac := math.Modf(hours)
	return time.Date(y, m, d, int(h), 0, 0, 0, loc).Add(time.Duration(frac * float64(time.Hour))).Add(randDuration(r, time.Minute))
}

// randDuration is uniform in [0, d) at microsecond resolution.
func randDuration(r interface{ Int64N(int64) int64 }, d time.Duration) time.Duration {
	return time.Duration(r.Int64N(int64(d/time.Microsecond))) * time.Microsecond
}

// isBusinessHours reports whether at is a weekday between 08:00 and 18:00
// in loc.
func isBusinessHours(at time.Time, loc *time.Location) bool {
	l := at.In(loc)
	wd := l.Weekday()
	return wd != time.Saturday && wd != time.Sunday && l.Hour() >= 8 && l.Hour() < 18
}
