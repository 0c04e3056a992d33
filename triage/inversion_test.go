package triage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// inversionRules give each urgency its own words, an estimate that does not
// grow with urgency and an SLA that, as written, would have a P3 due before
// a P2: the traps an urgency inversion falls into.
func inversionRules(t *testing.T) *classifier.Set {
	t.Helper()
	rules, err := classifier.Compile([]classifier.Rule{
		{Name: "p1", Any: []string{"outage"}, Urgency: classifier.P1, Estimate: 3, SLA: classifier.SLA{Ack: 15 * time.Minute, Resolve: 4 * time.Hour}},
		{Name: "p2", Any: []string{"blocked"}, Urgency: classifier.P2, Estimate: 2, SLA: classifier.SLA{Ack: 2 * time.Hour, Resolve: 24 * time.Hour}},
		{Name: "p3", Any: []string{"access"}, Urgency: classifier.P3, Estimate: 1, SLA: classifier.SLA{Ack: 30 * time.Minute, Resolve: 8 * time.Hour}},
		{Name: "p4", Any: []string{"question"}, Urgency: classifier.P4, Estimate: 0.5, SLA: classifier.SLA{Ack: 10 * time.Minute}},
		{Name: "default", Default: true, Urgency: classifier.P3, Estimate: 1},
	}, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

var inversionText = map[classifier.Urgency]string{
	classifier.P1: "checkout outage", classifier.P2: "deploy blocked", classifier.P3: "need access to grafana", classifier.P4: "a question about dashboards",
}

// handling is what a request got at the moment it was asked: whether it
// is handled in this sprint, when the on-call hears of it, and its SLA
// deadlines (zero when it has none).
type handling struct {
	handled          bool
	notify, ack, fix time.Time
}

func handlingOf(r *triage.Request) handling {
	h := handling{handled: r.Outcome == triage.Accepted, notify: r.NotifyAt}
	if !h.handled {
		return h
	}
	if a := r.Decision.SLA.Ack; a > 0 {
		h.ack = r.NotifyAt.Add(a)
	}
	if f := r.Decision.SLA.Resolve; f > 0 {
		h.fix = r.NotifyAt.Add(f)
	}
	return h
}

// earlier reports whether less got something before more: handling at
// all, the on-call's notice, or an SLA deadline (both having one).
func earlier(less, more handling) string {
	switch {
	case !less.handled:
		return ""
	case !more.handled:
		return "is handled in the sprint while the more urgent one is not"
	case less.notify.Before(more.notify):
		return fmt.Sprintf("reaches the on-call at %v, before %v", less.notify, more.notify)
	case !less.ack.IsZero() && !more.ack.IsZero() && less.ack.Before(more.ack):
		return fmt.Sprintf("is due for acknowledgement at %v, before %v", less.ack, more.ack)
	case !less.fix.IsZero() && !more.fix.IsZero() && less.fix.Before(more.fix):
		return fmt.Sprintf("is due to be resolved at %v, before %v", less.fix, more.fix)
	}
	return ""
}

// TestNoUrgencyInversion asks all four urgencies at the same moment, over
// times of day across weekdays, a weekend, a holiday and both DST days,
// for three budget states, two calendars and two policies, and checks that no request is
// handled, told to the on-call or due sooner than a more urgent one.
func TestNoUrgencyInversion(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules := inversionRules(t)
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	everyDay := append([]time.Weekday{time.Sunday, time.Saturday}, weekdays...)
	thanksgiving := oncall.Date{Year: 2026, Month: time.November, Day: 26}
	hours := map[string]oncall.BusinessHours{
		"weekdays 9-18 with a holiday": {Days: weekdays, Start: oncall.Clock{Hour: 9}, End: oncall.Clock{Hour: 18},
			Location: chicago, Holidays: []oncall.Date{thanksgiving}},
		// 02:30 does not exist on the spring-forward day.
		"every day from 02:30": {Days: everyDay, Start: oncall.Clock{Hour: 2, Minute: 30}, End: oncall.Clock{Hour: 18}, Location: chicago},
	}
	// A budget of 10 points: plenty, 1.5 left (less than the P2's estimate,
	// more than the P3's), or none. The ledger of a "partly used" team is
	// reset before each moment; the others stay in their state however much
	// is charged.
	budgets := map[string]struct{ capacity, used float64 }{"fresh": {1e9, 0}, "partly used": {50, 8.5}, "spent": {0, 0}}
	policies := map[string]triage.Policy{
		"default policy": {},
		// P3 and P4 asking for more than P2 gets: the policy must not let them.
		"generous P3 and P4": {P3: triage.ActAccept, P4: triage.ActAccept},
	}
	type variant struct {
		name  string
		used  float64
		teams map[classifier.Urgency]*triage.Team // one per urgency, so that each sees the same budget
	}
	var variants []variant
	var all []*triage.Team
	for pname, p := range policies {
		for bname, b := range budgets {
			for hname, h := range hours {
				v := variant{name: pname + ", budget " + bname + ", " + hname, used: b.used, teams: map[classifier.Urgency]*triage.Team{}}
				for u := classifier.P1; u <= classifier.P4; u++ {
					name := fmt.Sprintf("t%d", len(all))
					team := &triage.Team{Name: name, Location: chicago, Members: []string{"UA"}, Rules: rules, Policy: p, Hours: h,
						Rotation: oncall.Rotation{Team: name, Members: []string{"UA"}, ShiftDays: 7,
							Handoff: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, Location: chicago,
							Start: time.Date(2026, 1, 5, 0, 0, 0, 0, chicago)},
						Calendar: sprint.Calendar{Start: time.Date(2026, 1, 5, 0, 0, 0, 0, chicago), LengthDays: 14, Location: chicago},
						Budget:   sprint.Budget{Capacity: b.capacity, Fraction: 0.2, Unit: "points"},
					}
					v.teams[u] = team
					all = append(all, team)
				}
				variants = append(variants, v)
			}
		}
	}
	svc := triage.NewService(db, &triage.Settings{Teams: all}, time.Now)
	svc.Silent = true

	days := map[string]time.Time{
		"Tuesday":               time.Date(2026, 11, 17, 0, 0, 0, 0, chicago),
		"Saturday":              time.Date(2026, 11, 21, 0, 0, 0, 0, chicago),
		"Thanksgiving":          time.Date(2026, 11, 26, 0, 0, 0, 0, chicago),
		"Saturday before DST":   time.Date(2026, 3, 7, 0, 0, 0, 0, chicago),
		"spring forward Sunday": time.Date(2026, 3, 8, 0, 0, 0, 0, chicago),
		"fall back Sunday":      time.Date(2026, 11, 1, 0, 0, 0, 0, chicago),
	}
	clocks := []time.Duration{0, 90 * time.Minute, 150 * time.Minute, 8*time.Hour + 59*time.Minute, 9 * time.Hour,
		17*time.Hour + 59*time.Minute, 18 * time.Hour}
	ctx := context.Background()
	user := 0
	for dname, day := range days {
		for _, c := range clocks {
			// Wall-clock offsets: on DST days 02:30 does not exist or comes twice.
			at := time.Date(day.Year(), day.Month(), day.Day(), int(c.Hours()), int(c.Minutes())%60, 0, 0, chicago)
			for _, v := range variants {
				if v.used > 0 {
					if err := db.Update(func(tx triage.Tx) error {
						for _, team := range v.teams {
							led := sprint.NewLedger(team.Name, team.Calendar.At(at).N, team.Budget)
							led.Reserve("earlier", v.used, at)
							if err := tx.PutLedger(led); err != nil {
								return err
							}
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				}
				got := map[classifier.Urgency]handling{}
				for u, team := range v.teams {
					user++
					res, err := svc.Intake(ctx, triage.NewRequest{Team: team.Name, Source: triage.SourceSlash,
						User: fmt.Sprintf("U%d", user), Summary: inversionText[u], At: at})
					if err != nil {
						t.Fatal(err)
					}
					if res.Request.Urgency != u {
						t.Fatalf("%q classified %s, want %s", inversionText[u], res.Request.Urgency, u)
					}
					got[u] = handlingOf(res.Request)
				}
				for more := classifier.P1; more < classifier.P4; more++ {
					for less := more + 1; less <= classifier.P4; less++ {
						if why := earlier(got[less], got[more]); why != "" {
							t.Errorf("%s %s, %s: the %s %s", dname, at.Format("15:04 MST"), v.name, less, why)
						}
					}
				}
			}
		}
	}
}

// TestLaterStepsKeepTheOrder covers the two ways a request reaches the
// on-call after intake: a lead's approval after hours waits for business
// hours like a P2 asked then, and a waiting P2 raised to P1 stops waiting.
func TestLaterStepsKeepTheOrder(t *testing.T) {
	ctx := context.Background()
	friday := time.Date(2026, 11, 20, 22, 0, 0, 0, chicago)
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, chicago)
	oncallDue := func(f *fixture, id int64) []time.Time {
		var due []time.Time
		for _, j := range f.jobs(t) {
			if j.Kind == triage.JobNotify && j.RequestID == id && strings.Contains(string(j.Payload), `"kind":"oncall"`) {
				due = append(due, j.NextAt)
			}
		}
		return due
	}
	t.Run("approved after hours", func(t *testing.T) {
		f := newFixture(t)
		for i := range 5 { // the budget's 10 points, spent
			f.intake(t, triage.NewRequest{Summary: fmt.Sprintf("deploy blocked on service %d", i), User: fmt.Sprintf("U%d", i)})
		}
		p2 := f.intake(t, triage.NewRequest{Summary: "deploy stuck again", User: "U9"}).Request
		drain(t, f.worker(f.localTracker(), nil))
		f.clock.set(friday)
		r, _, err := f.svc.Apply(ctx, p2.ID, triage.Change{Actor: "ULEAD", Action: triage.ActApprove})
		if err != nil {
			t.Fatal(err)
		}
		if !r.NotifyAt.Equal(monday) {
			t.Errorf("approved P2 handled at %v, want when business hours open, %v", r.NotifyAt, monday)
		}
		if due := oncallDue(f, p2.ID); len(due) != 1 || !due[0].Equal(monday) {
			t.Errorf("on-call notices of the approved P2 due %v, want one at %v", due, monday)
		}
	})
	t.Run("raised to P1 while waiting", func(t *testing.T) {
		f := newFixture(t)
		f.clock.set(friday)
		p2 := f.intake(t, triage.NewRequest{Summary: "deploy blocked by a failing check"}).Request
		drain(t, f.worker(f.localTracker(), nil))
		r, _, err := f.svc.Apply(ctx, p2.ID, triage.Change{Actor: "UA", Action: triage.ActUrgency, Urgency: classifier.P1})
		if err != nil {
			t.Fatal(err)
		}
		if !r.NotifyAt.Equal(friday) {
			t.Errorf("raised to P1: handled at %v, want now (%v)", r.NotifyAt, friday)
		}
		if due := oncallDue(f, p2.ID); len(due) != 2 || !slices.ContainsFunc(due, friday.Equal) || !slices.ContainsFunc(due, monday.Equal) {
			t.Errorf("on-call notices due %v, want Monday's and one now", due)
		}
	})
}
