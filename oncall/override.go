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

// relevant appends to ord the indexes in overrides of the usable overrides
// of team that overlap [start, end), in creation order, and returns it.
// Indexes, not copies, let Current look up an instant inside a swap
// without allocating (ord may be a caller's stack array).
func relevant(ord []int, team string, overrides []Override, start, end time.Time) []int {
	for i, o := range overrides {
		if o.Team != team || !o.Start.Before(end) || !o.End.After(start) || o.Validate() != nil {
			continue
		}
		ord = append(ord, i)
		// Insertion keeps equal overrides in the caller's order, and needs
		// no comparison closure that could make ord escape.
		for j := len(ord) - 1; j > 0 && createdBefore(&overrides[ord[j]], &overrides[ord[j-1]]); j-- {
			ord[j], ord[j-1] = ord[j-1], ord[j]
		}
	}
	return ord
}

// SortByCreation sorts overrides into creation order (CreatedAt, then ID),
// the order they apply in; stores hand them out in it.
func SortByCreation(overrides []Override) {
	slices.SortFunc(overrides, func(a, b Override) int {
		switch {
		case createdBefore(&a, &b):
			return -1
		case createdBefore(&b, &a):
			return 1
		}
		return 0
	})
}

// createdBefore orders overrides by CreatedAt, then ID.
func createdBefore(a, b *Override) bool {
	c := a.CreatedAt.Compare(b.CreatedAt)
	return c < 0 || c == 0 && a.ID < b.ID
}

// decide returns who is on call at t given the rotation's person and the
// overrides at the indexes ord, in creation order, and the index in
// overrides of the deciding one (-1 for none). An override that would put
// on call the person already on call changes nothing, so it does not decide
// and does not split a shift.
func decide(scheduled string, overrides []Override, ord []int, t time.Time) (string, int) {
	user, by := scheduled, -1
	for _, i := range ord {
		o := &overrides[i]
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
	return split(r.base(k), overrides, r.Location)
}

// base returns the shift between handoff k and handoff k+1, before overrides.
func (r Rotation) base(k int64) Shift {
	return Shift{Team: r.Team, User: r.Members[floorMod(k, int64(len(r.Members)))],
		Start: r.HandoffAt(k), End: r.HandoffAt(k + 1), Index: k}
}

// split cuts base, one scheduled person's stretch, at the overrides of its
// team: one shift per stretch where the person on call and the deciding
// override stay the same, with bounds in loc. Rotations and fetched
// timelines share it, so a swap means the same on top of either.
func split(base Shift, overrides []Override, loc *time.Location) []Shift {
	start, end, scheduled := base.Start, base.End, base.User
	var buf [8]int
	ovs := relevant(buf[:0], base.Team, overrides, start, end)
	if len(ovs) == 0 {
		if !start.Before(end) {
			return nil
		}
		base.Start, base.End, base.Override = start.In(loc), end.In(loc), nil
		return []Shift{base}
	}

	cuts := make([]time.Time, 2, 2+2*len(ovs))
	cuts[0], cuts[1] = start, end
	for _, i := range ovs {
		for _, c := range [2]time.Time{overrides[i].Start, overrides[i].End} {
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
		user, by := decide(scheduled, overrides, ovs, cuts[i])
		if n := len(out); n > 0 && out[n-1].User == user && lastBy == by {
			out[n-1].End = cuts[i+1].In(loc)
			continue
		}
		s := Shift{Team: base.Team, User: user, Start: cuts[i].In(loc), End: cuts[i+1].In(loc), Index: base.Index}
		if by >= 0 {
			o := overrides[by] // a copy: Shift.Override never aliases the caller's slice
			s.Override = &o
		} else {
			s.Name = base.Name
		}
		out = append(out, s)
		lastBy = by
	}
	return out
}

// at returns the shift of split(base, overrides, loc) that holds t, which
// base must hold, without building the others: one allocation at most, the
// copy of the deciding override. Routing and every status read call it.
func at(base Shift, overrides []Override, t time.Time, loc *time.Location) Shift {
	var buf [8]int
	ord := relevant(buf[:0], base.Team, overrides, base.Start, base.End)
	user, by := decide(base.User, overrides, ord, t)
	// bound returns the override bound in (from, to) nearest to to when
	// late, else nearest to from; from, resp. to, when there is none.
	bound := func(from, to time.Time, late bool) time.Time {
		best := to
		if late {
			best = from
		}
		for _, i := range ord {
			for _, c := range [2]time.Time{overrides[i].Start, overrides[i].End} {
				if c.After(from) && c.Before(to) && (late && c.After(best) || !late && c.Before(best)) {
					best = c
				}
			}
		}
		return best
	}
	lo := bound(base.Start, t.Add(1), true) // a bound at t itself starts t's stretch
	hi := bound(t, base.End, false)
	// Widen over the neighbouring stretches that the same person holds by
	// the same override, as split merges them.
	for lo.After(base.Start) {
		p := bound(base.Start, lo, true)
		if u, b := decide(base.User, overrides, ord, p); u != user || b != by {
			break
		}
		lo = p
	}
	for hi.Before(base.End) {
		if u, b := decide(base.User, overrides, ord, hi); u != user || b != by {
			break
		}
		hi = bound(hi, base.End, false)
	}
	s := Shift{Team: base.Team, User: user, Start: lo.In(loc), End: hi.In(loc), Index: base.Index}
	if by >= 0 {
		o := overrides[by] // a copy: Shift.Override never aliases the caller's slice
		s.Override = &o
	} else {
		s.Name = base.Name
	}
	return s
}
