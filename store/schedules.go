package store

import (
	"encoding/json"
	"fmt"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

// bucketSchedules holds each team's last good fetched on-call schedule
// (team -> JSON timeline). It is created by the first PutSchedule, so
// files of schema 3 need no migration for it.
var bucketSchedules = []byte("oncall_schedules")

// Schedule returns the team's last good schedule, or triage.ErrNotFound.
func (t *tx) Schedule(team string) (*oncall.Timeline, error) {
	b := t.b.Bucket(bucketSchedules)
	if b == nil {
		return nil, triage.ErrNotFound
	}
	v := b.Get([]byte(team))
	if v == nil {
		return nil, triage.ErrNotFound
	}
	var tl oncall.Timeline
	if err := json.Unmarshal(v, &tl); err != nil {
		return nil, fmt.Errorf("decode the schedule of %s: %w", team, err)
	}
	return &tl, nil
}

// PutSchedule keeps tl as the last good schedule of tl.Team.
func (t *tx) PutSchedule(tl *oncall.Timeline) error {
	v, err := json.Marshal(tl)
	if err != nil {
		return fmt.Errorf("encode the schedule of %s: %w", tl.Team, err)
	}
	b, err := t.b.CreateBucketIfNotExists(bucketSchedules)
	if err != nil {
		return fmt.Errorf("keep the schedule of %s: %w", tl.Team, err)
	}
	if err := b.Put([]byte(tl.Team), v); err != nil {
		return fmt.Errorf("keep the schedule of %s: %w", tl.Team, err)
	}
	return nil
}
