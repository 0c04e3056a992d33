package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

// homeOpen caps the open requests App Home reads per team; the view shows
// fewer still.
const homeOpen = 200

// publishHome renders the user's App Home: per team, who is on call now
// and next, the budget gauge and the open requests; then their own.
func (b *Bot) publishHome(ctx context.Context, user string) error {
	h, err := b.home(user)
	if err != nil {
		return fmt.Errorf("build app home: %w", err)
	}
	return b.gw.PublishView(ctx, user, render.AppHome(h))
}

func (b *Bot) home(user string) (render.Home, error) {
	now := b.now()
	st := b.svc.Settings()
	h := render.Home{User: user, At: now}
	err := b.db.View(func(tx triage.Tx) error {
		for _, t := range st.Teams {
			ht := render.HomeTeam{Team: t}
			if roster := t.Roster(); roster.Configured() {
				ovs, err := tx.Overrides(t.Name, now)
				if err != nil {
					return err
				}
				ht.Now, ht.Next = roster.Current(now, ovs), roster.Next(now, ovs)
			}
			cur := t.Calendar.At(now)
			led, err := triage.LedgerOf(tx, t, cur.N)
			if err != nil {
				return err
			}
			ht.Ledger = led
			ht.Similar = t.IsMember(user) || ht.Now.User == user
			err = tx.OpenRequests(t.Name, func(r *triage.Request) error {
				if ht.Similar {
					var err error
					if r, err = withSimilarNow(tx, r); err != nil {
						return err
					}
				}
				ht.Open = append(ht.Open, r)
				if len(ht.Open) >= homeOpen {
					return triage.ErrStop
				}
				return nil
			})
			if err != nil {
				return err
			}
			h.Teams = append(h.Teams, ht)
			err = tx.RequestsBy(t.Name, user, now.AddDate(0, 0, -30), now.Add(time.Minute), func(r *triage.Request) error {
				h.Mine = append(h.Mine, r)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return h, err
}

// withSimilarNow returns r with its similar requests as they stand now:
// the lookup kept them as they were when r arrived, and one resolved
// since then should show who resolved it and the time it took. r itself
// is not changed (the store may share it); a similar request no longer
// stored keeps what the lookup saw.
func withSimilarNow(tx triage.Tx, r *triage.Request) (*triage.Request, error) {
	if len(r.Similar) == 0 {
		return r, nil
	}
	now := make([]triage.Similar, len(r.Similar))
	for i, s := range r.Similar {
		cur, err := tx.Request(s.ID)
		switch {
		case errors.Is(err, triage.ErrNotFound):
			now[i] = s
			continue
		case err != nil:
			return nil, err
		}
		now[i] = triage.SimilarOf(cur)
	}
	c := *r
	c.Similar = now
	return &c, nil
}
