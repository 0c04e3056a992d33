package report

import (
	"fmt"
	"time"
	_ "time/tzdata"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

var chicago = func() *time.Location {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testTeam has 14-day sprints starting Monday 16 November 2026 (sprint 1)
// and a budget of 12 points.
func testTeam() *triage.Team {
	return &triage.Team{
		Name: "platform", Location: chicago,
		Calendar: sprint.Calendar{Start: time.Date(2026, 11, 16, 0, 0, 0, 0, chicago), LengthDays: 14, Location: chicago},
		Budget:   sprint.Budget{Capacity: 60, Fraction: 0.2, Unit: "points"},
	}
}

// nov is a local time in Chicago in November 2026.
func nov(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, chicago)
}

type mod func(*triage.Request)

// req builds an accepted, open P3 request by alice, charged 1 point to the
// sprint it was created in.
func req(id int64, created time.Time, mods ...mod) *triage.Request {
	r := &triage.Request{
		ID: id, Team: "platform", User: "U1", UserName: "alice", Summary: fmt.Sprintf("request %d", id),
		CreatedAt: created, Urgency: classifier.P3, TicketedBy: triage.ByRequester,
		Decision: classifier.Decision{Urgency: classifier.P3, Rule: "default", Category: "access"},
		Outcome:  triage.Accepted, Status: triage.StatusOpen, Estimate: 1,
		Sprint: testTeam().Calendar.At(created).N,
		Ticket: triage.Ticket{Key: fmt.Sprintf("PLAT-%d", id)},
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func urgency(u classifier.Urgency) mod {
	return func(r *triage.Request) { r.Urgency, r.Decision.Urgency = u, u }
}
func category(c string) mod { return func(r *triage.Request) { r.Decision.Category = c } }
func by(id, name, team string) mod {
	return func(r *triage.Request) { r.User, r.UserName, r.RequesterTeam = id, name, team }
}
func state(o triage.Outcome, s triage.Status) mod {
	return func(r *triage.Request) { r.Outcome, r.Status = o, s }
}
func acked(after time.Duration) mod {
	return func(r *triage.Request) { r.AckedAt = clockStart(r).Add(after) }
}
func resolved(after time.Duration) mod {
	return func(r *triage.Request) {
		r.Status, r.ResolvedAt = triage.StatusResolved, clockStart(r).Add(after)
		if r.AckedAt.IsZero() {
			r.AckedAt = r.ResolvedAt
		}
	}
}
func sla(ack, resolve time.Duration) mod {
	return func(r *triage.Request) { r.Decision.SLA = classifier.SLA{Ack: ack, Resolve: resolve} }
}
func estimate(e float64) mod { return func(r *triage.Request) { r.Estimate = e } }
func actual(a float64) mod   { return func(r *triage.Request) { r.Actual, r.HasActual = a, true } }
func team(name string) mod   { return func(r *triage.Request) { r.Team = name } }
func notifyAt(t time.Time) mod {
	return func(r *triage.Request) { r.NotifyAt = t }
}
func claimed(u classifier.Urgency) mod { return func(r *triage.Request) { r.Claimed = u } }
func changedTo(u classifier.Urgency) mod {
	return func(r *triage.Request) {
		r.Overrides = append(r.Overrides, triage.UrgencyChange{At: r.CreatedAt, Actor: "U9", From: r.Urgency, To: u})
		r.Urgency = u
	}
}

// approvedAt makes a request that waited for approval and was taken into
// the sprint current at t.
func approvedAt(t time.Time) mod {
	return func(r *triage.Request) {
		r.Outcome, r.Status, r.NotifyAt = triage.Accepted, triage.StatusOpen, t
		r.Sprint = testTeam().Calendar.At(t).N
		r.Events = append(r.Events, triage.Event{At: t, Kind: triage.ActApprove, Actor: "U9"})
	}
}
