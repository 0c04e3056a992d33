package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func testClaim(t *testing.T, d Driver) {
	clk := NewClock(T0)
	db := open(t, d, Options{Now: clk.Now})
	type result struct {
		stored string
		fresh  bool
	}
	steps := []struct {
		name    string
		now     time.Time
		key     string
		value   string
		expires time.Time
		want    result
	}{
		{"new key is fresh", T0, "event:E1", "", T0.Add(time.Hour), result{"", true}},
		{"live claim returns what it stored", T0.Add(time.Minute), "event:E1", "42", T0.Add(2 * time.Hour), result{"", false}},
		{"other key is independent", T0.Add(time.Minute), "event:E2", "7", T0.Add(time.Hour), result{"7", true}},
		{"just before expiry is live", T0.Add(time.Hour - time.Nanosecond), "event:E1", "43", T0.Add(3 * time.Hour), result{"", false}},
		{"at expiry it is fresh again", T0.Add(time.Hour), "event:E1", "44", T0.Add(3 * time.Hour), result{"44", true}},
		{"the new claim is live", T0.Add(2 * time.Hour), "event:E1", "45", T0.Add(4 * time.Hour), result{"44", false}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clk.Set(s.now)
			var got result
			err := db.Update(func(tx triage.Tx) error {
				var err error
				got.stored, got.fresh, err = tx.Claim(s.key, s.value, s.now, s.expires)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != s.want {
				t.Errorf("Claim(%s, %q) = %+v, want %+v", s.key, s.value, got, s.want)
			}
			db.View(func(tx triage.Tx) error {
				v, ok, err := tx.Claimed(s.key, s.now)
				want := got.stored
				if got.fresh {
					want = s.value
				}
				if err != nil || !ok || v != want {
					t.Errorf("Claimed(%s) = %q, %v, %v; want %q", s.key, v, ok, err, want)
				}
				if _, ok, _ := tx.Claimed(s.key, s.expires); ok {
					t.Errorf("Claimed(%s) live at its expiry", s.key)
				}
				return nil
			})
		})
	}
	t.Run("empty key", func(t *testing.T) {
		err := db.Update(func(tx triage.Tx) error {
			_, _, err := tx.Claim("", "v", T0, T0)
			return err
		})
		if err == nil {
			t.Error("Claim accepted an empty key")
		}
	})
}

func testLedgers(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	var ledgers []*sprint.Ledger
	for _, k := range []struct {
		team string
		n    int
	}{{"a", -3}, {"a", 0}, {"a", 12}, {"ab", 12}} {
		l := sprint.NewLedger(k.team, k.n, sprint.Budget{Capacity: 40, Fraction: 0.2, Unit: "points"})
		l.Reserve("1", float64(k.n+100), T0)
		ledgers = append(ledgers, l)
	}
	if err := db.Update(func(tx triage.Tx) error {
		for _, l := range ledgers {
			if err := tx.PutLedger(l); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx triage.Tx) error {
		for _, want := range ledgers {
			got, err := tx.Ledger(want.Team, want.Sprint)
			if err != nil {
				t.Errorf("Ledger(%s, %d): %v", want.Team, want.Sprint, err)
				continue
			}
			if got.Team != want.Team || got.Sprint != want.Sprint || got.Used() != want.Used() || got.Total != want.Total {
				t.Errorf("Ledger(%s, %d) = %+v, want %+v", want.Team, want.Sprint, got, want)
			}
		}
		_, err := tx.Ledger("a", 1)
		WantNotFound(t, "Ledger(a, 1)", err)
		_, err = tx.Ledger("b", 12)
		WantNotFound(t, "Ledger(b, 12)", err)
		return nil
	})
	if err := db.Update(func(tx triage.Tx) error { return tx.PutLedger(nil) }); err == nil {
		t.Error("PutLedger(nil) succeeded")
	}
}

func testOverrides(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	ov := func(team, id string, start, end time.Time, created time.Time) oncall.Override {
		return oncall.Override{ID: id, Team: team, User: "U" + id, Start: start, End: end, CreatedAt: created}
	}
	day := 24 * time.Hour
	all := []oncall.Override{
		ov("ops", "b", T0, T0.Add(day), T0.Add(2*time.Minute)),
		ov("ops", "a", T0.Add(day), T0.Add(2*day), T0.Add(time.Minute)),
		ov("ops", "old", T0.Add(-2*day), T0.Add(-day), T0),
		ov("opsx", "c", T0, T0.Add(day), T0),
	}
	if err := db.Update(func(tx triage.Tx) error {
		for _, o := range all {
			if err := tx.PutOverride(o); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	overrideIDs := func(team string, since time.Time) []string {
		var out []string
		_ = db.View(func(tx triage.Tx) error {
			os, err := tx.Overrides(team, since)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range os {
				out = append(out, o.ID)
			}
			return nil
		})
		return out
	}
	for _, tc := range []struct {
		name  string
		team  string
		since time.Time
		want  []string
	}{
		{"creation order, ended ones left out", "ops", T0, []string{"a", "b"}},
		{"ending exactly at since is left out", "ops", T0.Add(day), []string{"a"}},
		{"everything", "ops", time.Time{}, []string{"old", "a", "b"}},
		{"team prefix is not another team", "opsx", T0, []string{"c"}},
		{"unknown team", "nobody", T0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := overrideIDs(tc.team, tc.since); !slices.Equal(got, tc.want) {
				t.Errorf("Overrides(%q, %v) = %v, want %v", tc.team, tc.since, got, tc.want)
			}
		})
	}
	t.Run("delete", func(t *testing.T) {
		if err := db.Update(func(tx triage.Tx) error { return tx.DeleteOverride("ops", "a") }); err != nil {
			t.Fatal(err)
		}
		if got := overrideIDs("ops", T0); !slices.Equal(got, []string{"b"}) {
			t.Errorf("after delete: %v, want [b]", got)
		}
		err := db.Update(func(tx triage.Tx) error { return tx.DeleteOverride("ops", "a") })
		WantNotFound(t, "deleting it again", err)
	})
	t.Run("invalid overrides are refused", func(t *testing.T) {
		for _, o := range []oncall.Override{
			{Team: "ops", User: "U1", Start: T0, End: T0.Add(day)},
			{ID: "x", User: "U1", Start: T0, End: T0.Add(day)},
			{ID: "x", Team: "ops", Start: T0, End: T0.Add(day)},
			{ID: "x", Team: "ops", User: "U1", Start: T0, End: T0},
		} {
			err := db.Update(func(tx triage.Tx) error { return tx.PutOverride(o) })
			if err == nil {
				t.Errorf("PutOverride(%+v) succeeded", o)
			}
		}
		err := db.Update(func(tx triage.Tx) error {
			return tx.PutOverride(oncall.Override{ID: "x", Team: "ops", User: "U1", Start: T0})
		})
		if !errors.Is(err, oncall.ErrBadOverride) {
			t.Errorf("err = %v, want oncall.ErrBadOverride", err)
		}
	})
}

func testNotesByTeamAndTime(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	base := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	notes := []triage.Note{
		{Team: "platform", User: "U1", Text: "db failover drill tomorrow", At: base},
		{Team: "platform", User: "U2", Text: "cert renewal pending", At: base.Add(time.Hour)},
		{Team: "platformx", User: "U3", Text: "other team", At: base.Add(time.Hour)},
		{Team: "platform", User: "U1", Text: "same instant twice", At: base.Add(time.Hour)},
	}
	if err := db.Update(func(tx triage.Tx) error {
		for _, n := range notes {
			if err := tx.AddNote(n); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []triage.Note
	if err := db.View(func(tx triage.Tx) error {
		var err error
		got, err = tx.Notes("platform", base.Add(time.Minute))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Text != "cert renewal pending" || got[1].Text != "same instant twice" {
		t.Fatalf("notes since 09:01 = %+v, want the two platform notes of 10:00 in order", got)
	}
}

func testScheduleKeepsTheLastGood(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	if err := db.View(func(tx triage.Tx) error {
		_, err := tx.Schedule("platform")
		return err
	}); !errors.Is(err, triage.ErrNotFound) {
		t.Fatalf("Schedule on a new store: got %v, want ErrNotFound", err)
	}
	for _, user := range []string{"UALICE", "UBOB"} {
		tl := &oncall.Timeline{Team: "platform", Source: oncall.SourceICal, FetchedAt: T0,
			Shifts:   []oncall.Shift{{Team: "platform", User: user, Start: T0, End: T0.Add(24 * time.Hour)}},
			Unmapped: []string{"Dana"}}
		MustUpdate(t, db, func(tx triage.Tx) error { return tx.PutSchedule(tl) })
	}
	var got *oncall.Timeline
	if err := db.View(func(tx triage.Tx) error {
		var err error
		got, err = tx.Schedule("platform")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got.Shifts) != 1 || got.Shifts[0].User != "UBOB" || !got.FetchedAt.Equal(T0) || got.Unmapped[0] != "Dana" {
		t.Fatalf("Schedule = %+v, want the second one put", got)
	}
}

func testLabels(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	// Added across Updates and teams; "b" before "a", "ab" after "a".
	var added []triage.Label
	for i, team := range []string{"b", "a", "ab", "a", "b", "a"} {
		l := triage.Label{RequestID: int64(i + 1), Team: team, At: T0.Add(-time.Duration(i) * time.Minute), Actor: "U1", Kind: "resolve", Rule: "r"}
		added = append(added, l)
		MustUpdate(t, db, func(tx triage.Tx) error { return tx.AddLabel(l) })
	}
	walk := func(team string, stopAfter int) []int64 {
		var out []int64
		err := db.View(func(tx triage.Tx) error {
			out = out[:0]
			return tx.Labels(team, func(l triage.Label) error {
				out = append(out, l.RequestID)
				if len(out) == stopAfter {
					return triage.ErrStop
				}
				return nil
			})
		})
		if err != nil {
			t.Fatalf("Labels(%q): %v", team, err)
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		team      string
		stopAfter int
		want      []int64
	}{
		{"one team, in the order given", "a", 0, []int64{2, 4, 6}},
		{"team prefix is not another team", "ab", 0, []int64{3}},
		{"every team, team by team", "", 0, []int64{2, 4, 6, 3, 1, 5}},
		{"ErrStop ends the walk", "", 4, []int64{2, 4, 6, 3}},
		{"unknown team", "nobody", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := walk(tc.team, tc.stopAfter); !slices.Equal(got, tc.want) {
				t.Errorf("Labels(%q) = %v, want %v", tc.team, got, tc.want)
			}
		})
	}
	_ = db.View(func(tx triage.Tx) error {
		return tx.Labels("b", func(l triage.Label) error {
			if want := added[l.RequestID-1]; !l.At.Equal(want.At) || l.Kind != want.Kind || l.Actor != want.Actor {
				t.Errorf("label %d = %+v, want %+v", l.RequestID, l, want)
			}
			return nil
		})
	})
}

func testLastRun(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	lastRun := func(name string) (time.Time, bool) {
		var at time.Time
		var ok bool
		if err := db.View(func(tx triage.Tx) error {
			var err error
			at, ok, err = tx.LastRun(name)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return at, ok
	}
	if _, ok := lastRun("weekly-report:platform"); ok {
		t.Error("a job that never ran has a last run")
	}
	// Due times keep their nanoseconds and come back in UTC.
	paris := time.FixedZone("CET", 3600)
	for _, due := range []time.Time{T0.Add(time.Nanosecond).In(paris), T0.Add(7 * 24 * time.Hour)} {
		MustUpdate(t, db, func(tx triage.Tx) error { return tx.SetLastRun("weekly-report:platform", due) })
		if at, ok := lastRun("weekly-report:platform"); !ok || !at.Equal(due) || at.Location() != time.UTC {
			t.Errorf("LastRun = %v, %v; want %v in UTC", at, ok, due)
		}
	}
	if _, ok := lastRun("weekly-report:data"); ok {
		t.Error("another job's run counts for this one")
	}
}

func testSettle(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	type result struct {
		stored string
		fresh  bool
	}
	steps := []struct {
		name    string
		claim   bool // Claim instead of Settle
		now     time.Time
		key     string
		value   string
		expires time.Time
		want    result
		live    time.Time // the claim is live until then, whatever expires says
	}{
		{"new key is taken as Claim would", false, T0, "event:S1", "1", T0.Add(time.Hour), result{"1", true}, T0.Add(time.Hour)},
		{"a live value stays", false, T0.Add(time.Minute), "event:S1", "2", T0.Add(2 * time.Hour), result{"1", false}, T0.Add(time.Hour)},
		{"a placeholder is taken", true, T0, "event:S2", "", T0.Add(time.Hour), result{"", true}, T0.Add(time.Hour)},
		{"a placeholder is filled, its expiry kept", false, T0.Add(time.Minute), "event:S2", "42", T0.Add(5 * time.Hour), result{"42", true}, T0.Add(time.Hour)},
		{"a filled placeholder stays", false, T0.Add(2 * time.Minute), "event:S2", "43", T0.Add(5 * time.Hour), result{"42", false}, T0.Add(time.Hour)},
		{"Claim does not fill a placeholder", true, T0, "event:S3", "", T0.Add(time.Hour), result{"", true}, T0.Add(time.Hour)},
		{"Claim after the placeholder", true, T0.Add(time.Minute), "event:S3", "9", T0.Add(5 * time.Hour), result{"", false}, T0.Add(time.Hour)},
		{"an expired placeholder is replaced", false, T0.Add(time.Hour), "event:S3", "44", T0.Add(3 * time.Hour), result{"44", true}, T0.Add(3 * time.Hour)},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var got result
			err := db.Update(func(tx triage.Tx) error {
				var err error
				if s.claim {
					got.stored, got.fresh, err = tx.Claim(s.key, s.value, s.now, s.expires)
				} else {
					got.stored, got.fresh, err = tx.Settle(s.key, s.value, s.now, s.expires)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != s.want {
				t.Errorf("(%s, %q) = %+v, want %+v", s.key, s.value, got, s.want)
			}
			db.View(func(tx triage.Tx) error {
				want := got.stored
				if got.fresh {
					want = s.value
				}
				if v, ok, err := tx.Claimed(s.key, s.live.Add(-time.Nanosecond)); err != nil || !ok || v != want {
					t.Errorf("Claimed(%s) just before %v = %q, %v, %v; want %q", s.key, s.live, v, ok, err, want)
				}
				if _, ok, _ := tx.Claimed(s.key, s.live); ok {
					t.Errorf("Claimed(%s) live at %v", s.key, s.live)
				}
				return nil
			})
		})
	}
}
