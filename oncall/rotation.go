// Package oncall computes who is on call: rotations of Slack users with
// handoffs at a local wall time, overrides, and business hours, all correct
// across daylight-saving changes. It is pure time math with no I/O; every
// function takes the instant it reasons about as a parameter.
package oncall

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors returned (wrapped) by Rotation.Validate.
var (
	// ErrNoMembers means a rotation lists nobody.
	ErrNoMembers = errors.New("rotation has no members; list Slack user ids in order")
	// ErrBadMember means a rotation lists an empty user id.
	ErrBadMember = errors.New("rotation member is empty; use a Slack user id such as U012ABCDEF")
	// ErrNoLocation means a time zone is missing; use an IANA name such as Europe/Paris.
	ErrNoLocation = errors.New("time zone is missing; use an IANA name such as Europe/Paris")
)

// defaultAnchorDay is 2024-01-01, the anchor of rotations without a Start, so
// that who is on call does not depend on when the process started.
var defaultAnchorDay = civilDay(2024, time.January, 1)

// Rotation is one team's on-call rotation. It is a value: its methods do not
// modify it and are safe for concurrent use as long as nobody mutates Members
// at the same time. Methods other than Validate assume Validate returned nil
// and may panic otherwise.
type Rotation struct {
	Team      string
	Members   []string // Slack user ids in order
	ShiftDays int
	Handoff   Handoff
	Location  *time.Location
	// Start is an optional anchor date (its local date in Location is used):
	// Members[0] takes over at the first handoff on or after that date. Zero
	// means the first handoff on or after 2024-01-01 local, so that results
	// are stable.
	Start time.Time
}

// Shift is a stretch of time during which one person is on call. It is a
// plain value; each call returns fresh copies.
type Shift struct {
	Team       string
	User       string
	Start, End time.Time // instants, in the rotation's Location; End exclusive
	Index      int64     // handoff number since the anchor; negative before it
	Override   *Override // non-nil when an override decides User; a copy, not the caller's
	// Name is the person as a schedule source names them, kept when no
	// Slack user matched (User is then empty); rotations leave it empty.
	Name string `json:",omitempty"`
}

// Validate reports every problem with the rotation at once, each wrapping one
// of ErrNoMembers, ErrBadMember, ErrNoLocation, ErrBadShift or ErrBadHandoff.
func (r Rotation) Validate() error {
	var errs []error
	if len(r.Members) == 0 {
		errs = append(errs, fmt.Errorf("check rotation %q: %w", r.Team, ErrNoMembers))
	}
	for i, m := range r.Members {
		if m == "" {
			errs = append(errs, fmt.Errorf("check rotation %q member %d: %w", r.Team, i+1, ErrBadMember))
		}
	}
	if r.Location == nil {
		errs = append(errs, fmt.Errorf("check rotation %q: %w", r.Team, ErrNoLocation))
	}
	if r.ShiftDays <= 0 || r.ShiftDays > MaxShiftDays {
		errs = append(errs, fmt.Errorf("check rotation %q shift of %d days: %w", r.Team, r.ShiftDays, ErrBadShift))
	}
	if err := r.Handoff.validate(); err != nil {
		errs = append(errs, fmt.Errorf("check rotation %q: %w", r.Team, err))
	}
	return errors.Join(errs...)
}

// weekly reports whether the handoff weekday applies: only shifts of whole
// weeks keep landing on the same weekday.
func (r Rotation) weekly() bool {
	return r.Handoff.HasWeekday && r.ShiftDays%7 == 0
}

// anchorDay returns the local date of handoff zero.
func (r Rotation) anchorDay() int64 {
	day := defaultAnchorDay
	if !r.Start.IsZero() {
		day = dayOf(r.Start.In(r.Location))
	}
	if r.weekly() {
		day += int64((r.Handoff.Weekday - weekdayOf(day) + 7) % 7)
	}
	return day
}

// HandoffAt returns the instant of handoff number k (may be negative), in
// Location. Handoff k happens on local date anchor + k*ShiftDays at the
// handoff wall time; a wall time skipped by DST happens at the end of the gap,
// and one that happens twice happens at its first occurrence.
func (r Rotation) HandoffAt(k int64) time.Time {
	day := r.anchorDay() + k*int64(r.ShiftDays)
	return resolveWall(day, r.Handoff.Hour, r.Handoff.Minute, r.Location)
}

// index returns the number of the last handoff at or before t. It starts
// from the local date difference and corrects by at most a step or two, so
// its cost does not depend on how far t is from the anchor.
func (r Rotation) index(t time.Time) int64 {
	days := dayOf(t.In(r.Location)) - r.anchorDay()
	k := floorDiv(days, int64(r.ShiftDays))
	for r.HandoffAt(k).After(t) {
		k--
	}
	for !r.HandoffAt(k + 1).After(t) {
		k++
	}
	return k
}

// Current returns who is on call at t, applying the overrides for this team
// (latest-created wins where they overlap). Shift bounds are clipped to the
// override when one applies.
func (r Rotation) Current(t time.Time, overrides []Override) Shift {
	k := r.index(t)
	return at(r.base(k), overrides, t, r.Location)
}

// Next returns the shift that follows the one current at t: it starts at the
// next change of person or the next handoff, whichever comes first.
func (r Rotation) Next(t time.Time, overrides []Override) Shift {
	return r.Current(r.Current(t, overrides).End, overrides)
}

// Shifts returns the consecutive shifts covering [from, to), in order. The
// first and last keep their real bounds, so the first may start before from
// and the last may end after to. It returns nil when to is not after from.
func (r Rotation) Shifts(from, to time.Time, overrides []Override) []Shift {
	if !from.Before(to) {
		return nil
	}
	var out []Shift
	for k := r.index(from); ; k++ {
		for _, s := range r.period(k, overrides) {
			if !s.End.After(from) {
				continue
			}
			if !s.Start.Before(to) {
				return out
			}
			out = append(out, s)
		}
	}
}
