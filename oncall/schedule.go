package oncall

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrUnknownTeam means a Schedule has no rotation for the team asked about.
var ErrUnknownTeam = errors.New("unknown team")

// Schedule holds every team's rotation and the overrides of all teams. Its
// methods are pure and safe for concurrent use as long as nobody mutates the
// map or slices at the same time. The map key is the team name and wins over
// Rotation.Team, so an override applies to a team when its Team equals the key.
type Schedule struct {
	Rotations map[string]Rotation
	Overrides []Override
}

// rotation returns the team's validated rotation.
func (s Schedule) rotation(team string) (Rotation, error) {
	r, ok := s.Rotations[team]
	if !ok {
		return Rotation{}, fmt.Errorf("find rotation %q: %w", team, ErrUnknownTeam)
	}
	r.Team = team
	if err := r.Validate(); err != nil {
		return Rotation{}, fmt.Errorf("use rotation %q: %w", team, err)
	}
	return r, nil
}

// Teams returns the names of the teams with a rotation, sorted.
func (s Schedule) Teams() []string {
	teams := make([]string, 0, len(s.Rotations))
	for t := range s.Rotations {
		teams = append(teams, t)
	}
	slices.Sort(teams)
	return teams
}

// Current returns who is on call for team at t. The error wraps
// ErrUnknownTeam, or the rotation's Validate error.
func (s Schedule) Current(team string, t time.Time) (Shift, error) {
	r, err := s.rotation(team)
	if err != nil {
		return Shift{}, err
	}
	return r.Current(t, s.Overrides), nil
}

// Next returns the shift that follows the one current for team at t. The
// error wraps ErrUnknownTeam, or the rotation's Validate error.
func (s Schedule) Next(team string, t time.Time) (Shift, error) {
	r, err := s.rotation(team)
	if err != nil {
		return Shift{}, err
	}
	return r.Next(t, s.Overrides), nil
}

// Shifts returns team's consecutive shifts covering [from, to), as
// Rotation.Shifts does. The error wraps ErrUnknownTeam, or the rotation's
// Validate error.
func (s Schedule) Shifts(team string, from, to time.Time) ([]Shift, error) {
	r, err := s.rotation(team)
	if err != nil {
		return nil, err
	}
	return r.Shifts(from, to, s.Overrides), nil
}
