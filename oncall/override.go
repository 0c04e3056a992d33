package oncall

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrBadOverride means an override has no user or no positive time range.
var ErrBadOverride = errors.New("override needs a user and an end after its start")

// Override puts User on call for Team during [Start, End).
//
// It applies at an instant when Replaces is empty or names the person who is
// on call there, either by the rotation or by an earlier-created override;
// otherwise it has no effect. Overrides are applied in creation order
// (CreatedAt, then ID), so the latest-created wins where they overlap.
// Overrides whose End is not after Start are ignored. It is a plain value,
// safe for concurrent use.
type Override struct {
	ID        string
	Team      string
	User      string // who covers
	Replaces  string // whose shift is covered; "" means whoever is on call
	Start     time.Time
	End       time.Time
	CreatedBy string
	CreatedAt time.Time
}

// Validate reports whether the override can take effect, wrapping ErrBadOverride.
func (o Override) Validate() error {
	if o.User == "" {
		return fmt.Errorf("check override %q: no user: %w", o.ID, ErrBadOverride)
	}
	if o.Start.IsZero() || o.End.IsZero() || !o.End.After(o.Start) {
		return fmt.Errorf("check override %q: range %v to %v: %w", o.ID, o.Start, o.End, ErrBadOverride)
	}
	return nil
}

// relevant returns copies of the usable overrides for team that overlap
// [start, end), in creation order. Copies keep Shift.Override from aliasing
// the caller's slice.
func relevant(team string, overrides []Override, start, end time.Time) []Override {
	var out []Override
	for _, o := range overrides {
		if o.Team == team && o.Validate() == nil && o.Start.Before(end) && o.End.After(start) {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b Override) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out
}

// decide returns who is on call at t given the rotation's person and the
// overrides in creation order, and the index of the deciding override (-1
// for none). An override that would put on call the person already on call
// changes nothing, so it does not decide and does not split a shift.
func decide(scheduled string, ovs []Override, t time.Time) (string, int) {
	user, by := scheduled, -1
	for i, o := range ovs {
		if t.Before(o.Start) || !t.Before(o.End) || o.User == user {
			continue
		}
		if o.Replaces == "" || o.Replaces == scheduled || o.Replaces == user {
			user, by = o.User, i
		}
	}
	return user, by
}

// period returns the shifts between handoff k and handoff k+1: one per
// stretch where the person on call and the deciding override stay the same.
// It is empty when the two handoffs coincide (a gap swallowed a whole shift).
func (r Rotation) period(k int64, overrides []Override) []Shift {
	start, end := r.HandoffAt(k), r.HandoffAt(k+1)
	scheduled := r.Members[floorMod(k, int64(len(r.Members)))]
	return split(Shift{Team: r.Team, User: scheduled, Start: start, End: end, Index: k}, overrides, r.Location)
}

// split cuts base, one scheduled person's stretch, at the overrides of its
// team: one shift per stretch where the person on call and the deciding
// override stay the same, with bounds in loc. Rotations and fetched
// timelines share it, so a swap means the same on top of either.
func split(base Shift, overrides []Override, loc *time.Location) []Shift {
	start, end, scheduled := base.Start, base.End, base.User
	ovs := relevant(base.Team, overrides, start, end)
	if len(ovs) == 0 {
		if !start.Before(end) {
			return nil
		}
		base.Start, base.End, base.Override = start.In(loc), end.In(loc), nil
		return []Shift{base}
	}

	cuts := make([]time.Time, 2, 2+2*len(ovs))
	cuts[0], cuts[1] = start, end
	for _, o := range ovs {
		for _, c := range []time.Time{o.Start, o.End} {
			if c.After(start) && c.Before(end) {
				cuts = append(cuts, c)
			}
		}
	}
	slices.SortFunc(cuts, time.Time.Compare)
	cuts = slices.CompactFunc(cuts, time.Time.Equal)

	out := make([]Shift, 0, len(cuts)-1)
	lastBy := -2
	for i := 0; i+1 < len(cuts); i++ {
		user, by := decide(scheduled, ovs, cuts[i])
		if n := len(out); n > 0 && out[n-1].User == user && lastBy == by {
			out[n-1].End = cuts[i+1].In(loc)
			continue
		}
		s := Shift{Team: base.Team, User: user, Start: cuts[i].In(loc), End: cuts[i+1].In(loc), Index: base.Index}
		if by >= 0 {
			o := ovs[by]
			s.Override = &o
		}
		out = append(out, s)
		lastBy = by
	}
	return out
}
