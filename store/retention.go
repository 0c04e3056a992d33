package store

import (
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// textBatch bounds one purge transaction, so a first purge of a large
// store does not hold the writer for long.
const textBatch = 500

// PurgeText removes the words of requests created before cutoff: summary,
// details, links, the text of their events, and the requester's display
// name. Counts, urgencies, times, outcomes and the budget stay, so reports
// still work. It returns how many requests it purged; running it again
// purges nothing more. It may be called while the bot runs.
func (db *DB) PurgeText(cutoff time.Time) (int, error) { return PurgeRequestText(db, cutoff) }

// PurgeRequestText is PurgeText over any driver's store, in transactions
// of at most textBatch requests.
func PurgeRequestText(db triage.Store, cutoff time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := db.Update(func(tx triage.Tx) error {
			n = 0
			var todo []*triage.Request
			err := tx.Requests("", time.Time{}, cutoff, func(r *triage.Request) error {
				if !r.Purged {
					todo = append(todo, r)
					if len(todo) == textBatch {
						return triage.ErrStop
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, r := range todo {
				purge(r)
				if err := tx.PutRequest(r); err != nil {
					return err
				}
			}
			n = len(todo)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("purge request text before %s: %w", cutoff.Format(time.DateOnly), err)
		}
		total += n
		if n < textBatch {
			return total, nil
		}
	}
}

func purge(r *triage.Request) {
	r.Summary, r.Details, r.Links, r.UserName, r.Purged = "", "", nil, "", true
	for i := range r.Events {
		if r.Events[i].Kind != "classified" {
			r.Events[i].Detail = ""
		}
	}
}
