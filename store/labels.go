package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// AddLabel saves a label under its team, after the team's earlier labels.
func (t *tx) AddLabel(l triage.Label) error {
	if err := checkName("team", l.Team); err != nil {
		return fmt.Errorf("add label: %w", err)
	}
	b := t.bucket(bucketLabels)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("add label: %w", err)
	}
	data, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("add label: encode: %w", err)
	}
	if err := b.Put(append(teamPrefix(l.Team), u64(seq)...), data); err != nil {
		return fmt.Errorf("add label: %w", err)
	}
	return nil
}

// Labels calls fn for the team's labels in the order they were added, or
// for every team's, team by team, when team is "".
func (t *tx) Labels(team string, fn func(triage.Label) error) error {
	var prefix []byte
	if team != "" {
		prefix = teamPrefix(team)
	}
	c := t.bucket(bucketLabels).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var l triage.Label
		if err := json.Unmarshal(v, &l); err != nil {
			return fmt.Errorf("decode label %x: %w", k, err)
		}
		if err := fn(l); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}
