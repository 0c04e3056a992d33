package pagerduty

import (
	"context"
	"fmt"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/sprintguard/sprintguard/oncall"
)

// MaxAhead is how far past since PagerDuty answers GET /oncalls.
const MaxAhead = 90 * 24 * time.Hour

// maxPages bounds the pages of one fetch.
const maxPages = 100

// Schedule is one PagerDuty schedule, read through GET /oncalls. Fetch may
// be called concurrently.
type Schedule struct {
	ID     string
	Client *pd.Client
}

// Fetch returns who is on call for the schedule during [from, to), cut to
// MaxAhead, with each user's e-mail and name. A permanent on-call (no
// start or end) covers the whole window.
func (s *Schedule) Fetch(ctx context.Context, loc *time.Location, from, to time.Time) ([]oncall.Entry, error) {
	if to.Sub(from) > MaxAhead {
		to = from.Add(MaxAhead)
	}
	opt := pd.ListOnCallOptions{ScheduleIDs: []string{s.ID}, Includes: []string{"users"}, Limit: 100,
		Since: from.UTC().Format(time.RFC3339), Until: to.UTC().Format(time.RFC3339)}
	var out []oncall.Entry
	for page := 0; ; page++ {
		if page == maxPages {
			return nil, fmt.Errorf("list on-calls of schedule %s: more than %d pages", s.ID, maxPages)
		}
		resp, err := s.Client.ListOnCallsWithContext(ctx, opt)
		if err != nil {
			return nil, fmt.Errorf("list on-calls of schedule %s: %w", s.ID, err)
		}
		for _, oc := range resp.OnCalls {
			e := oncall.Entry{Who: oncall.Person{Email: oc.User.Email, Name: oc.User.Name}, Start: from, End: to}
			if e.Who.Name == "" {
				e.Who.Name = oc.User.Summary
			}
			if oc.Start != "" {
				if e.Start, err = time.Parse(time.RFC3339, oc.Start); err != nil {
					return nil, fmt.Errorf("list on-calls of schedule %s: start %q: %w", s.ID, oc.Start, err)
				}
			}
			if oc.End != "" {
				if e.End, err = time.Parse(time.RFC3339, oc.End); err != nil {
					return nil, fmt.Errorf("list on-calls of schedule %s: end %q: %w", s.ID, oc.End, err)
				}
			}
			out = append(out, e)
		}
		if !resp.More || len(resp.OnCalls) == 0 {
			return out, nil
		}
		opt.Offset += uint(len(resp.OnCalls))
	}
}
