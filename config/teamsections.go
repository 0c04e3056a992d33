package config

import (
	"fmt"
	"maps"
	"time"

	"gopkg.in/yaml.v3"
)

// businessHours decodes a team's `business_hours:`.
func (d *decoder) businessHours(n *yaml.Node, b *BusinessHours) {
	seen := d.fields(n, "business_hours", map[string]func(*yaml.Node){
		"days": func(v *yaml.Node) {
			var days []time.Weekday
			have := map[time.Weekday]bool{}
			for _, it := range d.items("`days`", v) {
				wd, p := parseWeekday(it.text)
				switch {
				case p != nil:
					d.report(it.node, "`days` item", p)
				case have[wd]:
					d.errAt(it.node, fmt.Sprintf("`days` lists %s twice", wd), "")
				default:
					have[wd] = true
					days = append(days, wd)
				}
			}
			if len(days) > 0 {
				b.Days = days
			}
		},
		"start": func(v *yaml.Node) { parsed(d, "`start`", v, &b.Start, parseClock) },
		"end":   func(v *yaml.Node) { parsed(d, "`end`", v, &b.End, parseClock) },
		"holidays": func(v *yaml.Node) {
			for _, it := range d.items("`holidays`", v) {
				if t, p := parseDate(it.text); p != nil {
					d.report(it.node, "`holidays` item", p)
				} else {
					b.Holidays = append(b.Holidays, t)
				}
			}
		},
	})
	if b.End.Minutes() <= b.Start.Minutes() {
		at := seen["end"]
		if at == nil {
			at = seen["start"]
		}
		d.errAt(at, fmt.Sprintf("business hours end (%s) must be after start (%s)", b.End, b.Start), "hours are local to the team; overnight hours are not supported")
	}
}

// intake decodes a team's `intake:` and returns the channel items.
func (d *decoder) intake(n *yaml.Node, in *Intake) []item {
	var channels []item
	d.fields(n, "intake", map[string]func(*yaml.Node){
		"channels": func(v *yaml.Node) {
			for _, it := range d.items("`channels`", v) {
				if p := checkChannel(it.text); p != nil {
					d.report(it.node, "`channels` item", p)
					continue
				}
				d.noteChannel(it.node, it.text, UseIntake)
				channels = append(channels, it)
				in.Channels = append(in.Channels, it.text)
			}
		},
		"mode":             func(v *yaml.Node) { d.choice("`mode`", v, &in.Mode, "prompt", "auto") },
		"ticket_deadline":  func(v *yaml.Node) { parsed(d, "`ticket_deadline`", v, &in.TicketDeadline, parseDuration) },
		"reaction":         func(v *yaml.Node) { parsed(d, "`reaction`", v, &in.Reaction, reaction) },
		"opt_out":          func(v *yaml.Node) { d.str("`opt_out`", v, &in.OptOut) },
		"duplicate_window": func(v *yaml.Node) { parsed(d, "`duplicate_window`", v, &in.DuplicateWindow, parseDuration) },
		"allow_bots":       func(v *yaml.Node) { d.boolean("`allow_bots`", v, &in.AllowBots) },
		"members_ask":      func(v *yaml.Node) { d.boolean("`members_ask`", v, &in.MembersAsk) },
	})
	return channels
}

// oncall decodes a team's `oncall:`; it reports whether `rotation` was
// given (a given but empty rotation has its own error).
func (d *decoder) oncall(n *yaml.Node, o *Oncall) bool {
	set := map[string]func(*yaml.Node){
		"rotation": func(v *yaml.Node) {
			its := d.items("`rotation`", v)
			for _, it := range its {
				if p := checkUser(it.text); p != nil {
					d.report(it.node, "`rotation` item", p)
					continue
				}
				o.Rotation = append(o.Rotation, it.text)
			}
			if len(its) == 0 && (isNull(v) || v.Kind == yaml.SequenceNode) {
				d.errAt(v, "`rotation` must list at least one user id", "for example rotation: [U0123ABCD, U0456EFGH]")
			}
		},
		"shift":   func(v *yaml.Node) { parsed(d, "`shift`", v, &o.Shift, parseDays) },
		"handoff": func(v *yaml.Node) { parsed(d, "`handoff`", v, &o.Handoff, parseHandoff) },
		"start":   func(v *yaml.Node) { parsed(d, "`start`", v, &o.Start, parseDate) },
		"escalate_to": func(v *yaml.Node) {
			if users := d.users("`escalate_to`", v); len(users) == 1 {
				o.EscalateTo = users[0]
			} else if len(users) > 1 {
				d.errAt(v, "`escalate_to` must be one user id or @group", "")
			}
		},
		"usergroup": func(v *yaml.Node) {
			parsed(d, "`usergroup`", v, &o.Usergroup, func(s string) (string, *problem) {
				if usergroupRE.MatchString(s) {
					return s, nil
				}
				return "", &problem{msg: fmt.Sprintf("must be a Slack user group id such as S0123ABCD, got %q", s), hint: "the id, not the @handle"}
			})
		},
		"set_topic":           func(v *yaml.Node) { d.boolean("`set_topic`", v, &o.SetTopic) },
		"reassign_on_handoff": func(v *yaml.Node) { d.boolean("`reassign_on_handoff`", v, &o.ReassignOnHandoff) },
	}
	maps.Copy(set, d.oncallSource(o))
	seen := d.fields(n, "oncall", set)
	if o.Handoff.HasWeekday && o.Shift%(7*day) != 0 {
		d.errAt(firstOf(seen, "handoff", "shift"), fmt.Sprintf("handoff on a weekday (%s) needs a shift in whole weeks, got %s", o.Handoff, formatDays(o.Shift)), "write the handoff as \"HH:MM\" for daily shifts")
	}
	if !o.Start.IsZero() && o.Handoff.HasWeekday && o.Start.Weekday() != o.Handoff.Weekday {
		d.errAt(seen["start"], fmt.Sprintf("on-call `start` %s is a %s but the handoff is on %s", o.Start.Format(time.DateOnly), o.Start.Weekday(), o.Handoff.Weekday), "shifts begin at the handoff; use a date on the handoff's weekday")
	}
	return seen["rotation"] != nil
}

// sprint decodes a team's `sprint:`; it reports whether start and capacity
// were given.
func (d *decoder) sprint(n *yaml.Node, s *Sprint) (start, capacity bool) {
	seen := d.fields(n, "sprint", map[string]func(*yaml.Node){
		"start":  func(v *yaml.Node) { parsed(d, "`start`", v, &s.Start, parseDate) },
		"length": func(v *yaml.Node) { parsed(d, "`length`", v, &s.Length, parseDays) },
		"capacity": func(v *yaml.Node) {
			if d.number("`capacity`", v, &s.Capacity) && s.Capacity <= 0 {
				d.errAt(v, fmt.Sprintf("`capacity` must be more than 0, got %g", s.Capacity), "the team's points or hours per sprint")
			}
		},
		"unit": func(v *yaml.Node) { d.choice("`unit`", v, &s.Unit, "points", "hours") },
		"interrupt_budget": func(v *yaml.Node) {
			if parsed(d, "`interrupt_budget`", v, &s.InterruptBudget, parsePercent) && s.InterruptBudget > 1 {
				d.errAt(v, fmt.Sprintf("`interrupt_budget` must be between 0%% and 100%%, got %g%%", s.InterruptBudget*100), "about 20% is usual")
			}
		},
		"thresholds":        func(v *yaml.Node) { d.thresholds(v, s) },
		"learned_estimates": func(v *yaml.Node) { d.boolean("`learned_estimates`", v, &s.LearnedEstimates) },
	})
	return seen["start"] != nil, seen["capacity"] != nil
}

// thresholds decodes ascending alert thresholds of 1-200% of the budget.
func (d *decoder) thresholds(v *yaml.Node, s *Sprint) {
	var out []float64
	its := d.items("`thresholds`", v)
	if len(its) == 0 && (isNull(v) || v.Kind == yaml.SequenceNode) {
		d.errAt(v, "`thresholds` must list at least one percentage", "or remove the key for the default [50%, 80%, 100%]")
		return
	}
	for _, it := range its {
		f, p := parsePercent(it.text)
		switch {
		case p != nil:
			d.report(it.node, "`thresholds` item", p)
			return
		case f < 0.01 || f > 2:
			d.errAt(it.node, fmt.Sprintf("threshold %s must be between 1%% and 200%%", it.text), "")
			return
		case len(out) > 0 && f <= out[len(out)-1]:
			d.errAt(it.node, fmt.Sprintf("threshold %s must be higher than the one before it", it.text), "list thresholds in ascending order, e.g. [50%, 80%, 100%]")
			return
		}
		out = append(out, f)
	}
	if len(out) > 0 {
		s.Thresholds = out
	}
}

// policy decodes a team's `policy:`.
func (d *decoder) policy(n *yaml.Node, p *Policy) {
	d.fields(n, "policy", map[string]func(*yaml.Node){
		"p1": func(v *yaml.Node) { d.choice("`p1`", v, &p.P1, "accept") },
		"p2": func(v *yaml.Node) { d.choice("`p2`", v, &p.P2, "approval", "accept", "defer") },
		"p3": func(v *yaml.Node) { d.choice("`p3`", v, &p.P3, "defer", "accept") },
		"p4": func(v *yaml.Node) { d.choice("`p4`", v, &p.P4, "backlog", "accept") },
	})
}

// reportSection decodes a team's `report:`.
func (d *decoder) reportSection(n *yaml.Node, r *Report) {
	d.fields(n, "report", map[string]func(*yaml.Node){
		"schedule": func(v *yaml.Node) {
			parsed(d, "`schedule`", v, &r.Schedule, func(s string) (string, *problem) { return s, checkCron(s) })
		},
		"channel": func(v *yaml.Node) {
			parsed(d, "`channel`", v, &r.Channel, d.channelValue(v, UseReport))
		},
	})
}

// firstOf returns the first of keys that was seen, or nil.
func firstOf(seen map[string]*yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n := seen[k]; n != nil {
			return n
		}
	}
	return nil
}

// formatDays writes a whole-day duration as Nd.
func formatDays(d time.Duration) string { return fmt.Sprintf("%dd", d/day) }
