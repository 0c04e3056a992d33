package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// AddNote saves a handoff note under its team and time.
func (t *tx) AddNote(n triage.Note) error {
	if err := checkName("team", n.Team); err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	b := t.bucket(bucketNotes)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	data, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("add note: encode: %w", err)
	}
	k := append(appendTime(teamPrefix(n.Team), n.At), u64(seq)...)
	if err := b.Put(k, data); err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	return nil
}

// Notes returns the team's notes written at or after since, oldest first.
func (t *tx) Notes(team string, since time.Time) ([]triage.Note, error) {
	prefix := teamPrefix(team)
	var out []triage.Note
	c := t.bucket(bucketNotes).Cursor()
	for k, v := c.Seek(appendTime(teamPrefix(team), since)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var n triage.Note
		if err := json.Unmarshal(v, &n); err != nil {
			return nil, fmt.Errorf("decode note of %s: %w", team, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// LastRun returns when the scheduled job name last ran (its due time), and
// whether it ever did.
func (t *tx) LastRun(name string) (time.Time, bool, error) {
	v := t.bucket(bucketRuns).Get([]byte(name))
	if v == nil {
		return time.Time{}, false, nil
	}
	if len(v) != timeLen {
		return time.Time{}, false, fmt.Errorf("last run of %s: corrupt value", name)
	}
	return decodeTime(v), true, nil
}

// SetLastRun records that the scheduled job name ran for due.
func (t *tx) SetLastRun(name string, due time.Time) error {
	if err := t.bucket(bucketRuns).Put([]byte(name), encodeTime(due)); err != nil {
		return fmt.Errorf("record run of %s: %w", name, err)
	}
	return nil
}
