package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/triage"
)

// HandoffActor is who handoff reassignments are recorded as.
const HandoffActor = triage.SystemActor + "handoff"

// DutyHandlers returns the outbox handlers for the scheduled duties: the
// weekly report, the handoff and the sprint-start carry-over.
func (b *Bot) DutyHandlers() map[string]triage.Handler {
	return map[string]triage.Handler{
		jobs.JobReport:    b.reportJob,
		jobs.JobHandoff:   b.handoffJob,
		jobs.JobCarryOver: b.carryOverJob,
	}
}

// once runs post unless a run under key already succeeded, and returns the
// ts it posted: a duty retried after a failed later step does not post its
// message twice.
func (b *Bot) once(key string, post func() (string, error)) (string, error) {
	var done string
	var ok bool
	err := b.db.View(func(tx triage.Tx) error {
		var err error
		done, ok, err = tx.Claimed("posted:"+key, b.now())
		return err
	})
	if err != nil || ok {
		return done, err
	}
	ts, err := post()
	if err != nil {
		return "", err
	}
	now := b.now()
	err = b.db.Update(func(tx triage.Tx) error {
		_, _, err := tx.Claim("posted:"+key, ts, now, now.Add(30*24*time.Hour))
		return err
	})
	return ts, err
}

func decode[T any](j *triage.Job) (T, error) {
	var v T
	if err := json.Unmarshal(j.Payload, &v); err != nil {
		return v, triage.Permanent(fmt.Errorf("decode %s: %w", j.Kind, err))
	}
	return v, nil
}

// reportJob posts a team's weekly report with its chart in the thread.
func (b *Bot) reportJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	rj, err := decode[jobs.ReportJob](j)
	if err != nil {
		return nil, err
	}
	team := b.svc.Settings().Team(rj.Team)
	if team == nil {
		return nil, nil
	}
	d, err := report.Load(b.db, team, report.Window{Start: rj.Start, End: rj.End}, b.now())
	if err != nil {
		return nil, fmt.Errorf("load report of %s: %w", team.Name, err)
	}
	d.Names = b.names.Lookup(ctx, d.Requesters())
	w := report.Compute(d)
	channel := team.ReportChannel
	if channel == "" {
		channel = team.Channel
	}
	ts, err := b.once(j.Key, func() (string, error) { return b.post(ctx, channel, "", render.Report(w)) })
	if err != nil {
		return nil, err
	}
	png, err := w.PNG(report.ChartWidth, report.ChartHeight)
	if err != nil {
		return nil, triage.Permanent(fmt.Errorf("draw the chart of %s: %w", team.Name, err))
	}
	name := fmt.Sprintf("interrupts-%s-%s.png", team.Name, w.Week)
	_, err = b.once(j.Key+":chart", func() (string, error) {
		return "", b.gw.UploadFile(ctx, channel, ts, name, "Interrupts of "+team.Name+", "+w.Week, png)
	})
	return nil, err
}

// handoffJob hands the shift over: reassigns open requests, tells the team
// channel and the incoming engineer, moves the user group and the topic.
func (b *Bot) handoffJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	hj, err := decode[jobs.HandoffJob](j)
	if err != nil {
		return nil, err
	}
	team := b.svc.Settings().Team(hj.Team)
	if team == nil {
		return nil, nil
	}
	var warnings []string
	switch {
	case hj.Incoming == "":
		warnings = append(warnings, "The rotation of "+team.Name+" is empty: nobody is on call. Add people to oncall.rotation.")
	default:
		if _, err := b.gw.UserInfo(ctx, hj.Incoming); err != nil {
			if !triage.IsPermanent(err) {
				return nil, err
			}
			warnings = append(warnings, "Slack does not know the incoming on-call "+hj.Incoming+"; check oncall.rotation and the overrides.")
			hj.Incoming = ""
		}
	}
	if team.ReassignOnHandoff && hj.Incoming != "" {
		if err := b.reassignOpen(ctx, team, hj.Incoming); err != nil {
			return nil, err
		}
	}
	var h *jobs.Handoff
	if err := b.db.View(func(tx triage.Tx) error {
		var err error
		h, err = jobs.BuildHandoff(tx, team, hj)
		return err
	}); err != nil {
		return nil, fmt.Errorf("build the handoff of %s: %w", team.Name, err)
	}
	msg := render.Handoff(h, warnings)
	if _, err := b.once(j.Key+":channel", func() (string, error) { return b.post(ctx, team.Channel, "", msg) }); err != nil {
		return nil, err
	}
	if hj.Incoming == "" {
		return nil, nil
	}
	if _, err := b.once(j.Key+":dm", func() (string, error) {
		dm, err := b.gw.OpenDM(ctx, hj.Incoming)
		if err != nil {
			return "", err
		}
		return b.post(ctx, dm, "", msg)
	}); err != nil {
		return nil, err
	}
	if team.Usergroup != "" {
		if err := b.gw.SetUsergroupMembers(ctx, team.Usergroup, []string{hj.Incoming}); err != nil {
			return nil, err
		}
	}
	if team.SetTopic {
		topic := fmt.Sprintf("On call: <@%s> until %s", hj.Incoming, hj.NextAt.In(team.Location).Format("Mon 2 Jan 15:04 MST"))
		if err := b.gw.SetTopic(ctx, team.Channel, topic); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// reassignOpen gives the team's open, accepted requests to user.
func (b *Bot) reassignOpen(ctx context.Context, team *triage.Team, user string) error {
	var ids []int64
	if err := b.db.View(func(tx triage.Tx) error {
		return tx.OpenRequests(team.Name, func(r *triage.Request) error {
			if r.Outcome == triage.Accepted && r.Assignee != user {
				ids = append(ids, r.ID)
			}
			return nil
		})
	}); err != nil {
		return err
	}
	for _, id := range ids {
		if _, _, err := b.svc.Apply(ctx, id, triage.Change{Actor: HandoffActor, Action: triage.ActReassign,
			Assignee: user, Reason: "on-call handoff"}); err != nil {
			return err
		}
	}
	if len(ids) > 0 {
		b.kick()
	}
	return nil
}

// carryOverJob posts, as a sprint starts, the requests deferred to it.
func (b *Bot) carryOverJob(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	cj, err := decode[jobs.CarryOverJob](j)
	if err != nil {
		return nil, err
	}
	team := b.svc.Settings().Team(cj.Team)
	if team == nil || team.Channel == "" {
		return nil, nil
	}
	sp := team.Calendar.Number(cj.Sprint)
	var deferred []*triage.Request
	err = b.db.View(func(tx triage.Tx) error {
		return tx.Requests(team.Name, sp.Start.AddDate(0, 0, -120), sp.Start, func(r *triage.Request) error {
			if r.Status == triage.StatusDeferred && r.Sprint == cj.Sprint {
				deferred = append(deferred, r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	_, err = b.once(j.Key, func() (string, error) {
		return b.post(ctx, team.Channel, "", render.CarryOver(team, cj.Sprint, deferred))
	})
	return nil, err
}

// escalate tells escalate_to (a user, or every member of a @group) and the
// thread that a request waits past its acknowledgement SLA, and returns the
// DMs it sent, so that they are edited with the request like the on-call's.
func (b *Bot) escalate(ctx context.Context, r *triage.Request, team *triage.Team, to string) ([]triage.Post, error) {
	who := b.escalationTargets(to)
	line := render.EscalationLine(r, team.Name, who)
	if err := b.inThread(ctx, r, render.Message{Text: line}, ""); err != nil {
		return nil, err
	}
	return b.dmEach(ctx, who, triage.PostEscalation, render.Escalation(r, team, line))
}

// escalationTargets returns the users escalate_to names: one user, or the
// members of a @group.
func (b *Bot) escalationTargets(to string) []string {
	if handle, ok := strings.CutPrefix(to, "@"); ok {
		return b.svc.Settings().Groups[handle]
	}
	if to == "" {
		return nil
	}
	return []string{to}
}
