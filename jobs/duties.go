package jobs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/triage"
)

// Outbox job kinds the duties queue; the Slack side performs them.
const (
	JobReport    = "report.post"
	JobHandoff   = "handoff.post"
	JobCarryOver = "sprint.carryover"
)

// ReportJob is the payload of a JobReport: one team's report of one week.
type ReportJob struct {
	Team  string    `json:"team"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// HandoffJob is the payload of a JobHandoff: the shift that ends at At.
type HandoffJob struct {
	Team       string    `json:"team"`
	At         time.Time `json:"at"`
	ShiftStart time.Time `json:"shift_start"`
	Outgoing   string    `json:"outgoing"`
	Incoming   string    `json:"incoming"`
	// NextAt is the handoff after this one.
	NextAt time.Time `json:"next_at"`
}

// CarryOverJob is the payload of a JobCarryOver: sprint N has started.
type CarryOverJob struct {
	Team   string `json:"team"`
	Sprint int    `json:"sprint"`
}

// TeamDuties returns every team's weekly report, handoff and sprint-start
// duties. A report schedule that does not parse is an error (config
// validation makes that rare).
func TeamDuties(st *triage.Settings) ([]Duty, error) {
	var out []Duty
	for _, team := range st.Teams {
		r, err := reportDuty(team)
		if err != nil {
			return nil, err
		}
		out = append(out, r, handoffDuty(team), carryOverDuty(team))
	}
	return out, nil
}

func reportDuty(team *triage.Team) (Duty, error) {
	spec := team.ReportSchedule
	if spec == "" {
		spec = "0 9 * * MON"
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return Duty{}, fmt.Errorf("team %s: report schedule %q: %w", team.Name, spec, err)
	}
	loc := team.Location
	return Duty{
		Name: "report:" + team.Name,
		Next: func(t time.Time) time.Time { return sched.Next(t.In(loc)) },
		Plan: func(tx triage.Tx, due time.Time) error {
			// The report of the last full week before due: on Monday
			// morning, the week that just ended.
			week := report.WeekOf(report.WeekOf(due, loc).Start.Add(-time.Hour), loc)
			key := fmt.Sprintf("%s:%s:%s", JobReport, team.Name, week.Label())
			return enqueue(tx, JobReport, key, team.Name, ReportJob{Team: team.Name, Start: week.Start, End: week.End}, due)
		},
	}, nil
}

func handoffDuty(team *triage.Team) Duty {
	roster := team.Roster()
	return Duty{
		Name: "handoff:" + team.Name,
		// The schedule's own handoffs; overrides change who, not when. A
		// fetched schedule may move them; the roster always has the latest.
		Next: roster.HandoffAfter,
		Plan: func(tx triage.Tx, due time.Time) error {
			job, err := HandoffAt(tx, team, due)
			if err != nil {
				return err
			}
			key := fmt.Sprintf("%s:%s:%d", JobHandoff, team.Name, due.Unix())
			return enqueue(tx, JobHandoff, key, team.Name, job, due)
		},
	}
}

// HandoffAt describes the team's handoff at due: the shift it ends, who
// hands over to whom (overrides included) and the handoff after it.
func HandoffAt(tx triage.Tx, team *triage.Team, due time.Time) (HandoffJob, error) {
	roster := team.Roster()
	before := due.Add(-time.Nanosecond)
	shiftStart := roster.Current(before, nil).Start
	ovs, err := tx.Overrides(team.Name, shiftStart)
	if err != nil {
		return HandoffJob{}, err
	}
	return HandoffJob{Team: team.Name, At: due, ShiftStart: shiftStart,
		Outgoing: roster.Current(before, ovs).User, Incoming: roster.Current(due, ovs).User,
		NextAt: roster.HandoffAfter(due)}, nil
}

func carryOverDuty(team *triage.Team) Duty {
	cal := team.Calendar
	return Duty{
		Name: "sprint-start:" + team.Name,
		Next: func(t time.Time) time.Time { return cal.At(t).End },
		Plan: func(tx triage.Tx, due time.Time) error {
			n := cal.At(due).N
			key := fmt.Sprintf("%s:%s:%d", JobCarryOver, team.Name, n)
			return enqueue(tx, JobCarryOver, key, team.Name, CarryOverJob{Team: team.Name, Sprint: n}, due)
		},
	}
}

func enqueue(tx triage.Tx, kind, key, team string, payload any, due time.Time) error {
	p, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = tx.Enqueue(&triage.Job{Kind: kind, Key: key, Team: team, Payload: p, CreatedAt: due, NextAt: due})
	return err
}
