package report

import (
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// trendWeeks is how many weeks the trend shows, this week included.
const trendWeeks = 8

// Compute builds the weekly report from d. It is pure and may be called
// concurrently. A nil d.Team is taken as a team with no settings (UTC, no
// sprint calendar); a team whose calendar does not validate gets a report
// without the sprint parts (empty Sprint period, zero SprintInfo, no
// burn-up, no plan in the trend). Its cost grows linearly with
// len(d.Requests), apart from sorting the response times.
func Compute(d Data) *Weekly {
	team := d.Team
	if team == nil {
		team = &triage.Team{}
	}
	week, cutoff, now := scope(team, d.Week, d.Now)
	c := newComputation(team, week, cutoff, now, d.Names)
	for _, r := range d.Requests {
		if r != nil && r.Team == team.Name {
			c.add(r)
		}
	}
	return c.finish()
}

// computation holds the running totals of one Compute call.
type computation struct {
	team   *triage.Team
	week   Window
	cutoff time.Time
	now    time.Time

	thisWeek, inSprint *tally
	days               [7]DayCount
	trend              [trendWeeks]TrendPoint
	trendStart         [trendWeeks + 1]time.Time

	hasSprint bool
	sprint    sprint.Sprint
	burnDays  int       // sprint days that started before cutoff
	burn      []float64 // charge entering the sprint per sprint day
	status    SprintStatus
}

func newComputation(team *triage.Team, week Window, cutoff, now time.Time, names map[string]string) *computation {
	c := &computation{team: team, week: week, cutoff: cutoff, now: now,
		thisWeek: newTally(names), inSprint: newTally(names)}
	for i := range c.days {
		start := addDays(week.Start, i)
		c.days[i] = DayCount{Date: start.Format(time.DateOnly), Start: start, ByUrgency: urgencyMap()}
	}
	for i := range c.trendStart {
		c.trendStart[i] = addDays(week.Start, 7*(i-trendWeeks+1))
	}
	weekPlan := 0.0
	if team.Calendar.Validate() == nil {
		c.hasSprint = true
		// The sprint's days are the calendar's, which config puts in the
		// team's zone; using its own location keeps them right if not.
		c.sprint = reportSprint(team.Calendar, cutoff)
		c.burnDays = min(sprintDaysBefore(c.sprint.Start, cutoff.In(c.sprint.Start.Location())), team.Calendar.LengthDays)
		c.burn = make([]float64, max(c.burnDays, 1))
		weekPlan = tidy(team.Budget.Total() * 7 / float64(team.Calendar.LengthDays))
	}
	for i := range c.trend {
		w := Window{Start: c.trendStart[i], End: c.trendStart[i+1]}
		c.trend[i] = TrendPoint{Week: w.Label(), Start: w.Start, ByUrgency: urgencyMap(), Plan: weekPlan}
	}
	return c
}

// scope puts week and now in the team's zone and returns the report's
// cutoff: the end of the week, or now if the week is still running.
func scope(team *triage.Team, week Window, now time.Time) (Window, time.Time, time.Time) {
	loc := orUTC(team.Location)
	week = Window{Start: week.Start.In(loc), End: week.End.In(loc)}
	if now.IsZero() {
		now = week.End
	}
	cutoff := week.End
	if now.Before(cutoff) {
		cutoff = now
	}
	if cutoff.Before(week.Start) {
		cutoff = week.Start
	}
	return week, cutoff.In(loc), now.In(loc)
}

// reportSprint is the sprint the report covers: the one holding the last
// instant before cutoff, so that a report run on the Monday that starts a
// sprint covers the sprint the week belonged to.
func reportSprint(cal sprint.Calendar, cutoff time.Time) sprint.Sprint {
	loc := orUTC(cal.Location)
	s := cal.At(cutoff.Add(-time.Nanosecond))
	s.Start, s.End = s.Start.In(loc), s.End.In(loc)
	return s
}

// sprintDaysBefore counts the local days from start whose midnight is
// before cutoff.
func sprintDaysBefore(start, cutoff time.Time) int {
	n := daysBetween(start, cutoff)
	y, m, d := cutoff.Date()
	if midnight(y, m, d, cutoff.Location()).Before(cutoff) {
		n++
	}
	return max(n, 0)
}

func (c *computation) add(r *triage.Request) {
	created := r.CreatedAt
	if !created.Before(c.cutoff) {
		return
	}
	loc := c.week.Start.Location()
	if !created.Before(c.week.Start) {
		c.thisWeek.add(r, c.now)
		day := &c.days[min(daysBetween(c.week.Start, created.In(loc)), 6)]
		day.Requests++
		day.ByUrgency[urgencyKey(r.Urgency)]++
	}
	if i := c.trendIndex(created); i >= 0 {
		p := &c.trend[i]
		p.Requests++
		p.ByUrgency[urgencyKey(r.Urgency)]++
		if r.Charged() {
			p.BudgetUsed += r.Charge()
		}
	}
	if !c.hasSprint {
		return
	}
	if !created.Before(c.sprint.Start) {
		c.inSprint.add(r, c.now)
	}
	if r.Charged() && r.Sprint == c.sprint.N {
		c.charge(r)
	}
}

// charge adds r to the sprint's burn-up on the day it entered the sprint:
// when it was approved, or else when it arrived. Its current charge is used,
// so an actual time recorded later replaces the estimate on that day too.
func (c *computation) charge(r *triage.Request) {
	at := chargedAt(r)
	if !at.Before(c.cutoff) {
		return
	}
	day := 0
	if at.After(c.sprint.Start) {
		day = min(daysBetween(c.sprint.Start, at.In(c.sprint.Start.Location())), len(c.burn)-1)
	}
	c.burn[day] += r.Charge()
	c.status.Used += r.Charge()
	if r.OverBudget {
		c.status.OverBudget++
	}
}

// chargedAt is when r entered its sprint's budget.
func chargedAt(r *triage.Request) time.Time {
	for i := len(r.Events) - 1; i >= 0; i-- {
		if r.Events[i].Kind == triage.ActApprove {
			return r.Events[i].At
		}
	}
	return r.CreatedAt
}

func (c *computation) trendIndex(t time.Time) int {
	if t.Before(c.trendStart[0]) {
		return -1
	}
	for i := trendWeeks - 1; i >= 0; i-- {
		if !t.Before(c.trendStart[i]) {
			return i
		}
	}
	return -1
}

func (c *computation) finish() *Weekly {
	loc := c.week.Start.Location()
	w := &Weekly{
		Team: c.team.Name, Week: c.week.Label(), TimeZone: loc.String(),
		Start: c.week.Start, End: c.week.End, Cutoff: c.cutoff, Generated: c.now,
		ThisWeek: c.thisWeek.period(), Sprint: c.inSprint.period(),
		Trend: c.trend[:], Days: c.days[:],
	}
	for i := range w.Trend {
		w.Trend[i].BudgetUsed = tidy(w.Trend[i].BudgetUsed)
	}
	if !c.hasSprint {
		return w
	}
	s := c.status
	s.N, s.Start, s.End, s.Unit = c.sprint.N, c.sprint.Start, c.sprint.End, c.team.Budget.Unit
	s.Budget, s.Used = tidy(c.team.Budget.Total()), tidy(s.Used)
	s.Left = tidy(s.Budget - s.Used)
	if s.Budget > 0 {
		s.UsedRatio = s.Used / s.Budget
	}
	s.DaysLeft = c.sprint.DaysLeft(c.cutoff)
	w.SprintInfo = s
	length := float64(c.team.Calendar.LengthDays)
	used := 0.0
	for i := range c.burnDays {
		used += c.burn[i]
		w.BurnUp = append(w.BurnUp, BurnPoint{
			Date: addDays(c.sprint.Start, i).Format(time.DateOnly), Day: i + 1,
			Used: tidy(used), Plan: tidy(s.Budget * float64(i+1) / length),
		})
	}
	return w
}
