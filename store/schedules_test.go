package store

import (
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

func TestScheduleKeepsTheLastGood(t *testing.T) {
	db := openTest(t, Options{})
	if err := db.View(func(tx triage.Tx) error {
		_, err := tx.Schedule("platform")
		return err
	}); !errors.Is(err, triage.ErrNotFound) {
		t.Fatalf("Schedule on a new store: got %v, want ErrNotFound", err)
	}
	for _, user := range []string{"UALICE", "UBOB"} {
		tl := &oncall.Timeline{Team: "platform", Source: oncall.SourceICal, FetchedAt: t0,
			Shifts:   []oncall.Shift{{Team: "platform", User: user, Start: t0, End: t0.Add(24 * time.Hour)}},
			Unmapped: []string{"Dana"}}
		if err := db.Update(func(tx triage.Tx) error { return tx.PutSchedule(tl) }); err != nil {
			t.Fatal(err)
		}
	}
	var got *oncall.Timeline
	if err := db.View(func(tx triage.Tx) error {
		var err error
		got, err = tx.Schedule("platform")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got.Shifts) != 1 || got.Shifts[0].User != "UBOB" || !got.FetchedAt.Equal(t0) || got.Unmapped[0] != "Dana" {
		t.Fatalf("Schedule = %+v, want the second one put", got)
	}
}
