package mixed_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/tracker/mixed"
	"github.com/sprintguard/sprintguard/triage"
)

func TestRoutesByTeam(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plat, data := local.New(db, "PLAT", ""), local.New(db, "DATA", "")
	tr := &mixed.Tracker{For: func(team string) triage.Tracker {
		return map[string]triage.Tracker{"platform": plat, "data": data}[team]
	}}
	for _, tc := range []struct{ team, want string }{{"platform", "PLAT-1"}, {"data", "DATA-2"}} {
		t.Run(tc.team, func(t *testing.T) {
			tk, err := tr.Create(context.Background(), triage.TicketSpec{IdempotencyKey: "k-" + tc.team, RequestID: 1, Team: tc.team, Summary: "s"})
			if err != nil || tk.Key != tc.want {
				t.Fatalf("ticket %+v, err %v; want %s", tk, err, tc.want)
			}
		})
	}
	if _, err := tr.Create(context.Background(), triage.TicketSpec{Team: "ghost"}); !triage.IsPermanent(err) {
		t.Errorf("unknown team: err = %v, want permanent", err)
	}
	if err := tr.Update(context.Background(), "X-1", triage.TicketChange{Team: "ghost"}); !triage.IsPermanent(err) {
		t.Errorf("unknown team update: err = %v, want permanent", err)
	}
}
