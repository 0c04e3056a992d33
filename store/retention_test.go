package store

import (
	"strconv"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func TestPurgeTextKeepsTheFigures(t *testing.T) {
	db := openTest(t, Options{})
	base := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	for i := range textBatch + 20 {
		r := &triage.Request{ID: int64(i + 1), Team: "platform", User: "U1", UserName: "ann", Summary: "secret project " + strconv.Itoa(i),
			Details: "db password rotation", Links: []string{"https://x"}, CreatedAt: base.Add(time.Duration(i) * time.Hour),
			Urgency: 2, Decision: classifier.Decision{Urgency: 2, Rule: "r"}, Outcome: triage.Accepted, Status: triage.StatusResolved, Estimate: 2,
			Events: []triage.Event{{Kind: "received", Detail: "secret project"}}}
		if err := db.Update(func(tx triage.Tx) error { return tx.PutRequest(r) }); err != nil {
			t.Fatal(err)
		}
	}
	cutoff := base.Add(time.Duration(textBatch+10) * time.Hour)
	n, err := db.PurgeText(cutoff)
	if err != nil || n != textBatch+10 {
		t.Fatalf("purged %d, %v; want %d", n, err, textBatch+10)
	}
	if n, _ := db.PurgeText(cutoff); n != 0 {
		t.Fatalf("a second purge purged %d", n)
	}
	err = db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, base.AddDate(1, 0, 0), func(r *triage.Request) error {
			old := r.CreatedAt.Before(cutoff)
			if old != r.Purged || old && (r.Summary != "" || r.Details != "" || r.Links != nil || r.UserName != "" || r.Events[0].Detail != "") {
				t.Errorf("request %d (old %v): %+v", r.ID, old, r)
			}
			if r.Urgency != 2 || r.Estimate != 2 || r.Outcome != triage.Accepted {
				t.Errorf("request %d lost its figures: %+v", r.ID, r)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
