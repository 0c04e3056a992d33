package pagerduty_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/sprintguard/sprintguard/oncall/pagerduty"
	"github.com/sprintguard/sprintguard/oncall/pagerduty/pagerdutyfake"
)

func TestScheduleFetch(t *testing.T) {
	fake := pagerdutyfake.New(t)
	fake.AddUser(pagerdutyfake.User{ID: "PANN001", Name: "Ann Smith", Email: "ann@example.com"})
	fake.AddUser(pagerdutyfake.User{ID: "PBEN001", Name: "Ben Jones", Email: "ben@example.com"})
	from := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var shifts []pagerdutyfake.Shift
	for i := range 130 { // more than a page of 100
		who := []string{"PANN001", "PBEN001"}[i%2]
		shifts = append(shifts, pagerdutyfake.Shift{Schedule: "PSCHED1", User: who,
			Start: from.Add(time.Duration(i) * 12 * time.Hour), End: from.Add(time.Duration(i+1) * 12 * time.Hour)})
	}
	shifts = append(shifts, pagerdutyfake.Shift{Schedule: "POTHER1", User: "PANN001", Start: from, End: from.AddDate(0, 0, 1)})
	fake.SetShifts(shifts...)
	var waited []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil }
	s := &pagerduty.Schedule{ID: "PSCHED1", Client: pagerduty.Client(pagerdutyfake.Token, fake.URL(), fake.URL(), nil, sleep)}

	fake.RateLimit(1, 7)
	entries, err := s.Fetch(context.Background(), time.UTC, from, from.AddDate(0, 0, 200))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 130 {
		t.Fatalf("%d entries, want 130 (two pages, not the other schedule's)", len(entries))
	}
	if e := entries[1]; e.Who.Email != "ben@example.com" || e.Who.Name != "Ben Jones" || !e.Start.Equal(from.Add(12*time.Hour)) {
		t.Errorf("second entry = %+v", e)
	}
	if fmt.Sprint(waited) != "[7s]" {
		t.Errorf("waited %v, want the 7s of ratelimit-reset", waited)
	}

	fake.RateLimit(1, 3600) // too long to wait in place: the refresh fails and retries later
	_, err = s.Fetch(context.Background(), time.UTC, from, from.AddDate(0, 0, 1))
	var apiErr pd.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		t.Errorf("with an hour's reset: err = %v, want the 429", err)
	}
}
