package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func TestClaim(t *testing.T) {
	clk := &clock{now: t0}
	db := openTest(t, Options{Now: clk.Now})
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
		{"new key is fresh", t0, "event:E1", "", t0.Add(time.Hour), result{"", true}},
		{"live claim returns what it stored", t0.Add(time.Minute), "event:E1", "42", t0.Add(2 * time.Hour), result{"", false}},
		{"other key is independent", t0.Add(time.Minute), "event:E2", "7", t0.Add(time.Hour), result{"7", true}},
		{"just before expiry is live", t0.Add(time.Hour - time.Nanosecond), "event:E1", "43", t0.Add(3 * time.Hour), result{"", false}},
		{"at expiry it is fresh again", t0.Add(time.Hour), "event:E1", "44", t0.Add(3 * time.Hour), result{"44", true}},
		{"the new claim is live", t0.Add(2 * time.Hour), "event:E1", "45", t0.Add(4 * time.Hour), result{"44", false}},
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
			_, _, err := tx.Claim("", "v", t0, t0)
			return err
		})
		if err == nil {
			t.Error("Claim accepted an empty key")
		}
	})
}

func TestLedgers(t *testing.T) {
	db := openTest(t, Options{})
	var ledgers []*sprint.Ledger
	for _, k := range []struct {
		team string
		n    int
	}{{"a", -3}, {"a", 0}, {"a", 12}, {"ab", 12}} {
		l := sprint.NewLedger(k.team, k.n, sprint.Budget{Capacity: 40, Fraction: 0.2, Unit: "points"})
		l.Reserve("1", float64(k.n+100), t0)
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
		wantNotFound(t, "Ledger(a, 1)", err)
		_, err = tx.Ledger("b", 12)
		wantNotFound(t, "Ledger(b, 12)", err)
		return nil
	})
	if err := db.Update(func(tx triage.Tx) error { return tx.PutLedger(nil) }); err == nil {
		t.Error("PutLedger(nil) succeeded")
	}
}

func TestOverrides(t *testing.T) {
	db := openTest(t, Options{})
	ov := func(team, id string, start, end time.Time, created time.Time) oncall.Override {
		return oncall.Override{ID: id, Team: team, User: "U" + id, Start: start, End: end, CreatedAt: created}
	}
	day := 24 * time.Hour
	all := []oncall.Override{
		ov("ops", "b", t0, t0.Add(day), t0.Add(2*time.Minute)),
		ov("ops", "a", t0.Add(day), t0.Add(2*day), t0.Add(time.Minute)),
		ov("ops", "old", t0.Add(-2*day), t0.Add(-day), t0),
		ov("opsx", "c", t0, t0.Add(day), t0),
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
		{"creation order, ended ones left out", "ops", t0, []string{"a", "b"}},
		{"ending exactly at since is left out", "ops", t0.Add(day), []string{"a"}},
		{"everything", "ops", time.Time{}, []string{"old", "a", "b"}},
		{"team prefix is not another team", "opsx", t0, []string{"c"}},
		{"unknown team", "nobody", t0, nil},
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
		if got := overrideIDs("ops", t0); !slices.Equal(got, []string{"b"}) {
			t.Errorf("after delete: %v, want [b]", got)
		}
		err := db.Update(func(tx triage.Tx) error { return tx.DeleteOverride("ops", "a") })
		wantNotFound(t, "deleting it again", err)
	})
	t.Run("invalid overrides are refused", func(t *testing.T) {
		for _, o := range []oncall.Override{
			{Team: "ops", User: "U1", Start: t0, End: t0.Add(day)},
			{ID: "x", User: "U1", Start: t0, End: t0.Add(day)},
			{ID: "x", Team: "ops", Start: t0, End: t0.Add(day)},
			{ID: "x", Team: "ops", User: "U1", Start: t0, End: t0},
		} {
			err := db.Update(func(tx triage.Tx) error { return tx.PutOverride(o) })
			if err == nil {
				t.Errorf("PutOverride(%+v) succeeded", o)
			}
		}
		err := db.Update(func(tx triage.Tx) error {
			return tx.PutOverride(oncall.Override{ID: "x", Team: "ops", User: "U1", Start: t0})
		})
		if !errors.Is(err, oncall.ErrBadOverride) {
			t.Errorf("err = %v, want oncall.ErrBadOverride", err)
		}
	})
}

func TestNotesByTeamAndTime(t *testing.T) {
	db := openTest(t, Options{})
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
