// Package app builds the running system's parts from a validated config:
// the only place that knows both the config schema and the domain types.
package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// defaultEstimate is what a request costs the budget when no rule gave it
// an estimate: one unit, so that it still counts.
const defaultEstimate = 1

// Settings builds triage's settings from cfg. Problems found past config's
// own validation (the classifier's) come back as config.Errors with the
// rule's file and line.
func Settings(cfg *config.Config) (*triage.Settings, error) {
	st := &triage.Settings{Groups: cfg.Groups}
	var errs config.Errors
	for i := range cfg.Teams {
		t, err := Team(cfg, &cfg.Teams[i])
		if err != nil {
			var ce config.Errors
			if errors.As(err, &ce) {
				errs = append(errs, ce...)
				continue
			}
			return nil, err
		}
		st.Teams = append(st.Teams, t)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return st, nil
}

// Team converts one configured team.
func Team(cfg *config.Config, ct *config.Team) (*triage.Team, error) {
	loc := ct.Location()
	set, err := Rules(ct.Rules, cfg.Groups)
	if err != nil {
		return nil, err
	}
	t := &triage.Team{
		Name: ct.Name, Channel: ct.Channel, Location: loc,
		Members: ct.Members, Leads: ct.Leads,
		OptOut: ct.Intake.OptOut, DuplicateWindow: ct.Intake.DuplicateWindow,
		IntakeMode: ct.Intake.Mode, TicketDeadline: ct.Intake.TicketDeadline,
		Reaction: ct.Intake.Reaction, AllowBots: ct.Intake.AllowBots, MembersAsk: ct.Intake.MembersAsk, Usergroup: ct.Oncall.Usergroup,
		SetTopic: ct.Oncall.SetTopic, ReassignOnHandoff: ct.Oncall.ReassignOnHandoff,
		ReportSchedule: ct.Report.Schedule, ReportChannel: ct.Report.Channel,
		DefaultEstimate: defaultEstimate, EscalateTo: ct.Oncall.EscalateTo, Page: ct.Oncall.Page,
		NoLearnedEstimates: !ct.Sprint.LearnedEstimates,
		Rules:              set,
		Rotation: oncall.Rotation{
			Team: ct.Name, Members: ct.Oncall.Rotation, ShiftDays: days(ct.Oncall.Shift),
			Handoff: oncall.Handoff{Weekday: ct.Oncall.Handoff.Weekday, HasWeekday: ct.Oncall.Handoff.HasWeekday,
				Hour: ct.Oncall.Handoff.At.Hour, Minute: ct.Oncall.Handoff.At.Minute},
			Location: loc, Start: localDate(ct.Oncall.Start, loc),
		},
		Hours: oncall.BusinessHours{
			Days:     ct.BusinessHours.Days,
			Start:    oncall.Clock{Hour: ct.BusinessHours.Start.Hour, Minute: ct.BusinessHours.Start.Minute},
			End:      oncall.Clock{Hour: ct.BusinessHours.End.Hour, Minute: ct.BusinessHours.End.Minute},
			Location: loc, Holidays: dates(ct.BusinessHours.Holidays),
		},
		Calendar: sprint.Calendar{Start: localDate(ct.Sprint.Start, loc), LengthDays: days(ct.Sprint.Length), Location: loc},
		Budget: sprint.Budget{Capacity: ct.Sprint.Capacity, Fraction: ct.Sprint.InterruptBudget,
			Unit: ct.Sprint.Unit, Thresholds: ct.Sprint.Thresholds},
		Policy: triage.Policy{P1: triage.Action(ct.Policy.P1), P2: triage.Action(ct.Policy.P2),
			P3: triage.Action(ct.Policy.P3), P4: triage.Action(ct.Policy.P4)},
	}
	for _, c := range ct.Intake.Channels {
		t.IntakeChannels = append(t.IntakeChannels, strings.TrimPrefix(c, "#"))
	}
	checks := []func() error{t.Hours.Validate, t.Calendar.Validate}
	if kind := ct.Oncall.SourceKind(); kind != config.SourceYAML {
		t.OnCall = oncall.FeedRoster(ct.Name, kind, loc)
	} else {
		checks = append(checks, t.Rotation.Validate)
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, config.Errors{{File: ct.File, Line: ct.Line, Msg: fmt.Sprintf("team %s: %v", ct.Name, err)}}
		}
	}
	return t, nil
}

// Rules compiles a configured rule list. Problems are config.Errors placed
// at the rule's line.
func Rules(rs []config.Rule, groups map[string][]string) (*classifier.Set, error) {
	out := make([]classifier.Rule, len(rs))
	var errs config.Errors
	for i, r := range rs {
		var u, least, most classifier.Urgency
		for _, f := range []struct {
			text string
			dst  *classifier.Urgency
		}{{r.Urgency, &u}, {r.UrgencyAtLeast, &least}, {r.UrgencyAtMost, &most}} {
			if f.text == "" {
				continue
			}
			var err error
			if *f.dst, err = classifier.ParseUrgency(f.text); err != nil {
				errs = append(errs, config.Error{File: r.File, Line: r.Line, Msg: err.Error()})
			}
		}
		out[i] = classifier.Rule{
			Name: r.Name, Any: r.Any, All: r.All, None: r.None, Regex: r.Regex, In: r.In,
			Type: r.Type, Impact: r.Impact, Channel: r.Channel, RequesterIn: r.RequesterIn,
			When: r.When, NeededWithin: r.NeededWithin,
			Urgency: u, UrgencyAtLeast: least, UrgencyAtMost: most, Category: r.Category, Estimate: r.Estimate, Labels: r.Labels,
			SLA: classifier.SLA{Ack: r.SLA.Ack, Resolve: r.SLA.Resolve}, Team: r.Team,
			Continue: r.Continue, Default: r.Default, Answer: r.Answer,
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if groups == nil {
		groups = map[string][]string{}
	}
	set, err := classifier.Compile(out, classifier.Options{Groups: groups})
	var ce classifier.Errors
	if errors.As(err, &ce) {
		for _, e := range ce {
			file, line := "", 0
			if e.Index >= 0 && e.Index < len(rs) {
				file, line = rs[e.Index].File, rs[e.Index].Line
			} else if len(rs) > 0 {
				file, line = rs[0].File, rs[0].Line
			}
			errs = append(errs, config.Error{File: file, Line: line, Msg: e.Error()})
		}
		return nil, errs
	}
	if err != nil {
		return nil, fmt.Errorf("compile rules: %w", err)
	}
	return set, nil
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// localDate places a config civil date (00:00 UTC) at local midnight in loc.
func localDate(d time.Time, loc *time.Location) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

func dates(ts []time.Time) []oncall.Date {
	out := make([]oncall.Date, len(ts))
	for i, t := range ts {
		out[i] = oncall.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	return out
}

// ExampleSettings builds the settings of the embedded example config
// (examples/sprintguard.yaml) with an empty environment: the defaults that
// `make demo`, the benchmarks and many tests run on. It is safe to call
// concurrently.
func ExampleSettings() (*triage.Settings, error) {
	cfg, err := config.Parse("examples/sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		return nil, fmt.Errorf("parse the example config: %w", err)
	}
	return Settings(cfg)
}
